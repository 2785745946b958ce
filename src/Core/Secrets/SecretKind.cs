namespace HsmWallet.Core.Secrets;

/// <summary>What kind of secret an unlocker asks for, so each source knows which of its inputs applies.</summary>
public enum SecretKind
{
    /// <summary>A password typed by a person or read from a password file.</summary>
    Password,

    /// <summary>A PIN of a token or TPM object.</summary>
    Pin,

    /// <summary>The bytes of a key file.</summary>
    KeyFile,

    /// <summary>A recovery key as printed at enrolment.</summary>
    RecoveryKey,
}
