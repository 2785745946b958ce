using HsmWallet.Core.Vault;
using HsmWallet.Core.Xrpl.Addresses;

namespace HsmWallet.Core.Signing;

/// <summary>
/// The vault's public wallet list (names, addresses, public keys; never a secret), refreshed from every unlock
/// the process makes, so resolving a wallet before signing costs no extra unlock and holds no key.
/// </summary>
public sealed class WalletDirectory
{
    private readonly WalletVault _vault;
    private IReadOnlyList<WalletInfo>? _wallets;

    /// <summary>Follows <paramref name="vault"/>'s unlocks from now on.</summary>
    public WalletDirectory(WalletVault vault)
    {
        ArgumentNullException.ThrowIfNull(vault);
        _vault = vault;
        vault.Unlocked += unlocked => Volatile.Write(ref _wallets, unlocked.Wallets);
    }

    /// <summary>Every wallet; unlocks once only when this process has not unlocked the vault yet.</summary>
    public IReadOnlyList<WalletInfo> List(UnlockOptions unlock)
    {
        return Volatile.Read(ref _wallets) ?? _vault.ListWallets(unlock);
    }

    /// <summary>The wallet with this name or classic address; throws naming the field "wallet" when there is none.</summary>
    public WalletInfo Resolve(string nameOrAddress, UnlockOptions unlock)
    {
        if (string.IsNullOrWhiteSpace(nameOrAddress))
        {
            throw new InvalidInputException("wallet", "is required (a wallet name or classic address)");
        }

        var wallets = List(unlock);

        // An address always means that account, never a wallet someone named after it.
        var byAddress = wallets.FirstOrDefault(wallet => string.Equals(wallet.Address, nameOrAddress, StringComparison.Ordinal));
        var match = byAddress ?? wallets.FirstOrDefault(wallet => string.Equals(wallet.Name, nameOrAddress, StringComparison.Ordinal));
        return match ?? throw new InvalidInputException("wallet", "names no wallet in the vault");
    }

    /// <summary>Adds a wallet this process just stored, so the next signature needs no extra unlock to find it.</summary>
    internal void Added(WalletInfo wallet)
    {
        lock (_vault)
        {
            if (Volatile.Read(ref _wallets) is { } wallets)
            {
                Volatile.Write(ref _wallets, [.. wallets, wallet]);
            }
        }
    }

    /// <summary>Drops a wallet this process just deleted.</summary>
    internal void Removed(WalletInfo wallet)
    {
        lock (_vault)
        {
            if (Volatile.Read(ref _wallets) is { } wallets)
            {
                Volatile.Write(ref _wallets, [.. wallets.Where(known => known.Id != wallet.Id)]);
            }
        }
    }

    /// <summary>The wallet's account id, parsed once from its recorded address.</summary>
    public static AccountId AccountOf(WalletInfo wallet)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        return AccountId.ParseClassic(wallet.Address, "wallet");
    }
}
