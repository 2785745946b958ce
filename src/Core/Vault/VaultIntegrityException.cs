namespace HsmWallet.Core.Vault;

/// <summary>
/// Raised when the vault file (or a record or slot in it) is damaged or was altered: nothing is decrypted
/// from it and nothing is written.
/// </summary>
public sealed class VaultIntegrityException : Exception
{
    /// <summary>Creates the error with a description of what failed to verify.</summary>
    public VaultIntegrityException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with its inner cause kept for diagnostics.</summary>
    public VaultIntegrityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
