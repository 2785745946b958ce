namespace HsmWallet.Core.Vault;

/// <summary>
/// The public facts of a wallet to store beside its secret: what `wallet create` and `wallet import` know
/// after deriving the keys. Key type and network are plain strings so the vault needs no XRPL types.
/// </summary>
/// <param name="Name">The operator's name for the wallet (letters, digits, '.', '_', '-'; up to 64).</param>
/// <param name="KeyType">"secp256k1" or "ed25519".</param>
/// <param name="Network">"mainnet", "testnet" or "devnet".</param>
/// <param name="Address">The classic address (r...).</param>
/// <param name="PublicKey">The public key in hex.</param>
public sealed record WalletDescription(string Name, string KeyType, string Network, string Address, string PublicKey)
{
    /// <summary>Where the key lives when it was generated on a device and never leaves it; null for a vault-held secret.</summary>
    public TokenKeyReference? Token { get; init; }
}
