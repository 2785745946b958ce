namespace HsmWallet.Core.Vault;

/// <summary>
/// A wallet as listed after an unlock (`wallet list`, `wallet_list`): everything but the secret, which
/// only <see cref="UnlockedVault.WithWalletSecret{T}"/> hands out.
/// </summary>
/// <param name="Id">The record's random identifier (hex).</param>
/// <param name="Name">The wallet's name.</param>
/// <param name="KeyType">"secp256k1" or "ed25519".</param>
/// <param name="Network">"mainnet", "testnet" or "devnet".</param>
/// <param name="Address">The classic address.</param>
/// <param name="PublicKey">The public key in hex.</param>
/// <param name="Created">When the record was added.</param>
public sealed record WalletInfo(string Id, string Name, string KeyType, string Network, string Address, string PublicKey, DateTimeOffset Created)
{
    /// <summary>Where the signing key lives when it never leaves a device; null for a key the vault holds encrypted.</summary>
    public TokenKeyReference? Token { get; init; }

    /// <summary>True when the key is on a device: no secret is stored, and nothing can export or import it.</summary>
    public bool IsOnToken => Token is not null;
}
