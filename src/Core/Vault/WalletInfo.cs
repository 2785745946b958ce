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
public sealed record WalletInfo(string Id, string Name, string KeyType, string Network, string Address, string PublicKey, DateTimeOffset Created);
