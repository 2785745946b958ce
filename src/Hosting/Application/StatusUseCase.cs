using HsmWallet.Core.Approvals;
using HsmWallet.Core.UseCases;
using HsmWallet.Core.Vault;
using HsmWallet.KeyProviders.Pkcs11;
using HsmWallet.KeyProviders.Tpm;

namespace HsmWallet.Hosting.Application;

/// <summary>A token's own report: module, token, key and PIN counters, so the operator sees why a slot will not open.</summary>
/// <param name="ModuleLoaded">The PKCS#11 module loaded.</param>
/// <param name="TokenPresent">The token is plugged in.</param>
/// <param name="KeyFound">The wrapping key was found (null: unknowable without the PIN).</param>
/// <param name="PinCountLow">A wrong PIN was entered since the last good one.</param>
/// <param name="PinFinalTry">One more wrong PIN locks the token.</param>
/// <param name="PinLocked">The PIN is locked.</param>
public sealed record TokenHealth(bool ModuleLoaded, bool TokenPresent, bool? KeyFound, bool PinCountLow, bool PinFinalTry, bool PinLocked);

/// <summary>One slot's unlocker health, checked now: whether it can be expected to open, why not, and a token's counters.</summary>
/// <param name="Id">The slot.</param>
/// <param name="Kind">Its unlocker kind.</param>
/// <param name="Healthy">True when an unlock through it can be expected to work.</param>
/// <param name="Detail">Why not (or what was checked), never a secret.</param>
/// <param name="Token">A token's counters (pkcs11 slots only).</param>
public sealed record SlotHealth(int Id, string Kind, bool Healthy, string? Detail, TokenHealth? Token = null);

/// <summary>What `hsmwallet status` and `server_status` report, read without a secret: slots, unlocker health, lockout and freeze.</summary>
public sealed class StatusUseCase
{
    private readonly WalletVault _vault;
    private readonly FreezeUseCases _freeze;

    /// <summary>Binds the vault whose status is read and its freeze.</summary>
    internal StatusUseCase(WalletVault vault, FreezeUseCases freeze)
    {
        _vault = vault;
        _freeze = freeze;
    }

    /// <summary>The freeze without unlocking: the marker file, and the vault's record as this process's last unlock saw it.</summary>
    public FreezeState Frozen() => _freeze.Current();

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

    /// <summary>The hardware behind <paramref name="slot"/> checked with the slot's own parameters (token or TPM), or null for a slot without hardware.</summary>
    public static SlotHealth? Hardware(SlotInfo slot)
    {
        ArgumentNullException.ThrowIfNull(slot);
        switch (slot.Kind)
        {
            case Pkcs11KeyProvider.KindName:
                return Token(slot);
            case TpmKeyProvider.KindName:
                var tpm = TpmKeyProvider.CheckSlot(slot.Parameters);
                return new SlotHealth(slot.Id, slot.Kind, tpm.IsHealthy, tpm.Detail);
            default:
                return null;
        }
    }

    /// <summary>The unlocker of <paramref name="slot"/> checked now: a token with the slot's parameters, any other kind through its installed unlocker.</summary>
    public SlotHealth Unlocker(SlotInfo slot)
    {
        ArgumentNullException.ThrowIfNull(slot);
        if (slot.Kind == Pkcs11KeyProvider.KindName)
        {
            return Token(slot);
        }

        var health = _vault.Providers.TryCreate(slot.Kind)?.CheckHealth();
        return new SlotHealth(slot.Id, slot.Kind, health?.IsHealthy ?? false, health?.Detail ?? "no unlocker of this kind is installed");
    }

    private static SlotHealth Token(SlotInfo slot)
    {
        var token = Pkcs11KeyProvider.CheckSlot(slot.Parameters);
        return new SlotHealth(
            slot.Id,
            slot.Kind,
            token.Healthy,
            token.Problem,
            new TokenHealth(token.ModuleLoaded, token.TokenPresent, token.KeyFound, token.PinStatus.CountLow, token.PinStatus.FinalTry, token.PinStatus.Locked));
    }
}
