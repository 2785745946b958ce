using HsmWallet.Core.Vault;

namespace HsmWallet.Hosting.Application;

/// <summary>What `hsmwallet status` and `server_status` report, read without a secret: slots, unlocker health and lockout.</summary>
public sealed class StatusUseCase
{
    private readonly WalletVault _vault;

    /// <summary>Binds the vault whose status is read.</summary>
    internal StatusUseCase(WalletVault vault) => _vault = vault;

    /// <summary>True when the home holds a vault.</summary>
    public bool VaultExists => _vault.Exists;

    /// <summary>The slot table, read without unlocking.</summary>
    public IReadOnlyList<SlotInfo> Slots() => _vault.ListSlots();

    /// <summary>Until when unlocking is locked out after failures, or null.</summary>
    public DateTimeOffset? LockedUntil() => _vault.Lockout.LockedUntil();

    /// <summary>How many wrong passwords or PINs remain before a lockout (null when unknown).</summary>
    public int? TriesLeft() => _vault.Lockout.TriesLeft();

    /// <summary>Each registered unlocker kind's health, checked now (devices can come and go).</summary>
    public IReadOnlyDictionary<string, bool> Health()
    {
        var result = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var (kind, health) in _vault.Providers.CheckHealth())
        {
            result[kind] = health.IsHealthy;
        }

        return result;
    }
}
