using HsmWallet.Core.Vault;
using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.Core.Signing;

/// <summary>
/// Signs with the key the vault holds encrypted: one record's secret decrypted into a zeroing buffer, the key
/// re-created and checked against the recorded public key, zeroed when the call returns.
/// </summary>
public sealed class VaultKeySigner : IWalletSigner
{
    /// <inheritdoc />
    public bool Signs(WalletInfo wallet)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        return !wallet.IsOnToken;
    }

    /// <inheritdoc />
    public T WithSigner<T>(WalletInfo wallet, UnlockedVault vault, UnlockOptions unlock, Func<IXrplSigner, T> use)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        ArgumentNullException.ThrowIfNull(vault);
        ArgumentNullException.ThrowIfNull(use);
        return vault.WithWalletSecret(wallet.Address, (secret, info) =>
        {
            using var key = WalletKeys.Open(secret, info);
            return use(key);
        });
    }
}
