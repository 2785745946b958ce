namespace HsmWallet.Core.Vault;

/// <summary>Raised by `init` when a vault is already there: it is never overwritten.</summary>
public sealed class VaultAlreadyExistsException : Exception
{
    /// <summary>Creates the error for the existing file.</summary>
    public VaultAlreadyExistsException(string path)
        : base($"{path}: a vault already exists; it is never overwritten")
    {
        Path = path;
    }

    /// <summary>The existing vault.</summary>
    public string Path { get; }
}
