using HsmWallet.Core.Vault;
using HsmWallet.Core.Xrpl.Addresses;

namespace HsmWallet.Core.Signing;

/// <summary>
/// The vault's public wallet list (names, addresses, public keys; never a secret), refreshed from every unlock
/// the process makes, so resolving a wallet before signing costs no extra unlock and holds no key. The list is
/// used only while vault.json keeps the generation it was read at: a wallet another process (the operator's CLI)
/// added or deleted is seen at the next call, through a fresh unlock.
/// </summary>
public sealed class WalletDirectory
{
    private readonly WalletVault _vault;
    private Snapshot? _snapshot;

    /// <summary>Follows <paramref name="vault"/>'s unlocks from now on.</summary>
    public WalletDirectory(WalletVault vault)
    {
        ArgumentNullException.ThrowIfNull(vault);
        _vault = vault;
        vault.Unlocked += unlocked => Volatile.Write(ref _snapshot, new Snapshot(unlocked.Generation, unlocked.Wallets));
    }

    /// <summary>Every wallet; unlocks only when this process has not read the vault as it is on disk now.</summary>
    public IReadOnlyList<WalletInfo> List(UnlockOptions unlock)
    {
        return Volatile.Read(ref _snapshot) is { } known && known.Generation == _vault.StoredGeneration()
            ? known.Wallets
            : _vault.ListWallets(unlock);
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

    /// <summary>
    /// This process just stored a wallet in an update whose unlock refreshed the list: the file it wrote is one
    /// generation on. (Were the list read at another time, the generations would not match and the next call re-reads.)
    /// </summary>
    internal void Added(WalletInfo wallet) => Changed(wallets => [.. wallets, wallet]);

    /// <summary>This process just deleted a wallet in an update (see <see cref="Added"/>).</summary>
    internal void Removed(WalletInfo wallet) => Changed(wallets => [.. wallets.Where(known => known.Id != wallet.Id)]);

    private void Changed(Func<IReadOnlyList<WalletInfo>, IReadOnlyList<WalletInfo>> change)
    {
        lock (_vault)
        {
            if (Volatile.Read(ref _snapshot) is { } known)
            {
                Volatile.Write(ref _snapshot, new Snapshot(known.Generation + 1, change(known.Wallets)));
            }
        }
    }

    /// <summary>The list as one unlock read it, with the vault file's generation then.</summary>
    private sealed record Snapshot(long Generation, IReadOnlyList<WalletInfo> Wallets);

    /// <summary>The wallet's account id, parsed once from its recorded address.</summary>
    public static AccountId AccountOf(WalletInfo wallet)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        return AccountId.ParseClassic(wallet.Address, "wallet");
    }
}
