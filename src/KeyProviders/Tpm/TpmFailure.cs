namespace HsmWallet.KeyProviders.Tpm;

/// <summary>Why a TPM operation failed, so callers can count PIN failures and tell operators what to do.</summary>
public enum TpmFailure
{
    /// <summary>Anything not listed below; the message carries the TPM or TSS response code in hex.</summary>
    Other = 0,

    /// <summary>The PIN was wrong (TPM_RC_AUTH_FAIL 0x98E): counts toward HsmWallet's lockout and the TPM's DA counter.</summary>
    PinIncorrect = 1,

    /// <summary>The TPM refuses DA-protected objects after too many failures (TPM_RC_LOCKOUT 0x921), even with the right PIN.</summary>
    DictionaryLockout = 2,

    /// <summary>The PCR values differ from enrolment (TPM_RC_POLICY_FAIL 0x99D): the boot state changed.</summary>
    PcrMismatch = 3,

    /// <summary>No TPM answered on the configured TCTI (missing device, stopped simulator, broken connection).</summary>
    NoDevice = 4,

    /// <summary>The TPM has no free transient object or session slot (TPM_RC_OBJECT_MEMORY 0x902).</summary>
    OutOfObjectMemory = 5,
}
