using HsmWallet.Core;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Vault;
using HsmWallet.Hosting.Audit;

namespace HsmWallet.Hosting.Application;

/// <summary>How many wallets the vault holds and may hold.</summary>
/// <param name="Wallets">Wallets now in the vault.</param>
/// <param name="Limit">The vault's limit.</param>
public sealed record WalletLimit(int Wallets, int Limit)
{
    /// <summary>The limit of a vault that never set one.</summary>
    public static int Default => UnlockedVault.DefaultWalletLimit;

    /// <summary>The highest limit an operator may set.</summary>
    public static int Maximum => UnlockedVault.MaximumWalletLimit;
}

/// <summary>
/// The operator's vault administration: create the vault, add, remove and test slots, and the wallet limit. The
/// unlockers a slot is enrolled with are built here from an <see cref="UnlockerChoice"/>, never by a front end.
/// </summary>
public sealed class SlotUseCases
{
    private readonly WalletVault _vault;
    private readonly AuditSession _audit;
    private readonly Func<UnlockOptions> _unlock;

    /// <summary>Binds the vault, its audit session and how each operation unlocks.</summary>
    internal SlotUseCases(WalletVault vault, AuditSession audit, Func<UnlockOptions> unlock)
    {
        _vault = vault;
        _audit = audit;
        _unlock = unlock;
    }

    /// <summary>The vault file.</summary>
    public string VaultPath => _vault.Home.VaultPath;

    /// <summary>The slot table, read without unlocking.</summary>
    public IReadOnlyList<SlotInfo> List() => _vault.ListSlots();

    /// <summary>
    /// Creates the vault with its first unlocker (and a recovery-key slot when <paramref name="recoveryKey"/>), its
    /// audit key in the same write, each new secret typed once; refuses when a vault exists. A secret nobody gave
    /// is bad input naming the file field (password_file, pin_file).
    /// </summary>
    public IReadOnlyList<SlotAdded> CreateVault(UnlockerChoice choice, bool recoveryKey, Action? calibrating = null)
    {
        var providers = new List<IKeyProvider> { Unlockers.Create(choice, _vault.Home.DefaultKeyFilePath, allowRecovery: false, calibrating) };
        if (recoveryKey)
        {
            providers.Add(Unlockers.Recovery());
        }

        try
        {
            return _audit.CreateVault(_unlock().Secrets, providers);
        }
        catch (UnlockFailedException error) when (error.Reason == UnlockFailureReason.NoSecret)
        {
            throw new InvalidInputException(
                Unlockers.IsPassword(providers[0]) ? "password_file" : "pin_file",
                $"is needed for a {providers[0].Kind} slot when stdin is not a terminal");
        }
    }

    /// <summary>
    /// Adds a slot of <paramref name="choice"/> after unlocking with an existing one; its secret comes from
    /// <paramref name="enrolment"/>. A new key file goes to a path of the home no slot uses yet unless one is chosen
    /// (a front end then opens the application without that file, so existing key-file slots use their recorded ones).
    /// </summary>
    public SlotAdded AddSlot(UnlockerChoice choice, ISecretSource enrolment, Action? calibrating = null)
    {
        ArgumentNullException.ThrowIfNull(choice);
        var provider = Unlockers.Create(choice, NewKeyFilePath(_vault.Home), allowRecovery: true, calibrating);
        return _vault.AddSlot(_unlock(), provider, enrolment);
    }

    /// <summary>Removes slot <paramref name="slotId"/> (refused for the last one).</summary>
    public void RemoveSlot(int slotId) => _vault.RemoveSlot(_unlock(), slotId);

    /// <summary>Unlocks through <paramref name="slotId"/> (or the one unlocking chooses), counting like any unlock; the slot that opened.</summary>
    public SlotInfo TestSlot(int? slotId) => _vault.TestSlot(_unlock() with { SlotId = slotId });

    /// <summary>How many wallets the vault holds and may hold (unlocks).</summary>
    public WalletLimit WalletLimit() => _vault.Read(_unlock(), vault => new WalletLimit(vault.Wallets.Count, vault.WalletLimit));

    /// <summary>Sets the vault's wallet limit, kept in its authenticated settings (operator only).</summary>
    public WalletLimit SetWalletLimit(int limit) => _vault.Update(_unlock(), vault =>
    {
        vault.SetWalletLimit(limit);
        return new WalletLimit(vault.Wallets.Count, vault.WalletLimit);
    });

    /// <summary>A key file path in the home that no slot uses yet (vault.key, then vault-2.key, ...).</summary>
    private static string NewKeyFilePath(WalletHome home)
    {
        var path = home.DefaultKeyFilePath;
        for (var number = 2; File.Exists(path); number++)
        {
            path = Path.Combine(home.Root, $"vault-{number}.key");
        }

        return path;
    }
}
