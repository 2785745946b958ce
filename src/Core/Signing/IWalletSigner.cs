using HsmWallet.Core.Vault;
using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.Core.Signing;

/// <summary>
/// The signer port: opens what signs for one wallet, for the length of one call, at the point the signing path
/// used to decrypt the key. The vault-held key (<see cref="VaultKeySigner"/>) and a key on a token
/// (<see cref="TokenWalletSigner"/>) both come through here, so policy, approval, signing state and audit are the same.
/// </summary>
public interface IWalletSigner
{
    /// <summary>True when this signer signs for <paramref name="wallet"/> (by where its key lives).</summary>
    bool Signs(WalletInfo wallet);

    /// <summary>
    /// Hands <paramref name="use"/> a signer for <paramref name="wallet"/> inside the operation's unlock
    /// (<paramref name="vault"/>), and closes it (zeroes the key, logs out) before returning, whatever happens.
    /// </summary>
    T WithSigner<T>(WalletInfo wallet, UnlockedVault vault, UnlockOptions unlock, Func<IXrplSigner, T> use);
}
