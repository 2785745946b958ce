using HsmWallet.Core.Audit;
using HsmWallet.Core.Vault;
using HsmWallet.KeyProviders.Tpm;

namespace HsmWallet.Hosting.Audit;

/// <summary>
/// Which anchor a host gives the audit log: the NV counter of the TPM a vault's TPM slot uses (its TCTI and
/// an NV index from that slot's parameters), else none. $HSMWALLET_AUDIT_ANCHOR=none turns it off for an
/// operator whose TPM is gone and who recovers with another slot.
/// </summary>
public static class AuditAnchorChoice
{
    /// <summary>The environment variable that turns the TPM anchor off ("none").</summary>
    public const string EnvironmentVariable = "HSMWALLET_AUDIT_ANCHOR";

    /// <summary>The anchor for a vault's authenticated slot table: its first TPM slot's counter, or null.</summary>
    public static IAuditAnchor? ForSlots(IReadOnlyList<SlotInfo> slots) => ForSlots(slots, Environment.GetEnvironmentVariable);

    /// <summary>The anchor for a slot table, reading the environment through <paramref name="getEnvironment"/>.</summary>
    public static IAuditAnchor? ForSlots(IReadOnlyList<SlotInfo> slots, Func<string, string?> getEnvironment)
    {
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentNullException.ThrowIfNull(getEnvironment);
        if (string.Equals(getEnvironment(EnvironmentVariable), "none", StringComparison.Ordinal))
        {
            return null;
        }

        var slot = slots.FirstOrDefault(slot => slot.Kind == TpmKeyProvider.KindName);
        return slot is null ? null : TpmAuditAnchor.ForSlot(slot.Parameters);
    }
}
