using HsmWallet.Core.Secrets;
using HsmWallet.Core.Unlocking;

namespace HsmWallet.Core.UseCases;

/// <summary>What opens a wallet backup: this vault's own slots, or one new slot of the backup's own (for example a backup password).</summary>
public abstract record BackupProtection
{
    private BackupProtection()
    {
    }

    /// <summary>The backup opens with whatever opens this vault; no new secret is asked for (the only choice over MCP).</summary>
    public static BackupProtection ThisVaultsSlots { get; } = new SameSlots();

    /// <summary>This vault's slots and header, with one wallet record.</summary>
    public sealed record SameSlots : BackupProtection;

    /// <summary>A new vault with one slot of its own: <paramref name="Provider"/> enrolled with <paramref name="Secrets"/> (the operator's backup password).</summary>
    /// <param name="Provider">The unlocker of the backup's slot.</param>
    /// <param name="Secrets">Where the backup slot's secret comes from.</param>
    public sealed record OwnSlot(IKeyProvider Provider, ISecretSource Secrets) : BackupProtection;
}
