namespace HsmWallet.Core.Vault;

/// <summary>Raised when an operation needs a vault and the home has none; says how to make one.</summary>
public sealed class VaultNotFoundException : Exception
{
    /// <summary>Creates the error for the missing file.</summary>
    public VaultNotFoundException(string path)
        : base($"{path}: no vault here; create one with `hsmwallet init`")
    {
        Path = path;
    }

    /// <summary>Where the vault was expected.</summary>
    public string Path { get; }
}
