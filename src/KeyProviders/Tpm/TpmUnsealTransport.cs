namespace HsmWallet.KeyProviders.Tpm;

/// <summary>How the unseal command travels; only the salted session is used outside measurements.</summary>
internal enum TpmUnsealTransport
{
    /// <summary>Salted HMAC or policy session with AES-128-CFB response encryption: nothing secret in clear on the bus.</summary>
    SaltedEncryptedSession = 0,

    /// <summary>Plain password session (PIN-only slots): the baseline the benchmark compares against.</summary>
    PasswordSession = 1,
}
