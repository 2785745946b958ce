using HsmWallet.Core.Secrets;
using HsmWallet.Core.Unlocking;

namespace HsmWallet.Core.Vault;

/// <summary>
/// The vault's slot table: enrolling a provider (it wraps the vault key), removing a slot within the rules, and
/// the public view of a slot. Stateless: it edits the <see cref="VaultDocument"/> it is given.
/// </summary>
internal static class SlotTable
{
    /// <summary>Slot kinds anyone holding a copy of a file can use: they never guard mainnet wallets alone.</summary>
    private static readonly HashSet<string> SoftKinds = new(StringComparer.Ordinal) { "keyfile", "recovery" };

    /// <summary>The public description of a slot (parameters copied, never shared).</summary>
    public static SlotInfo ToInfo(SlotEntry slot) =>
        new(slot.Id, slot.Kind, slot.HardwareBacked, slot.Created, slot.Parameters.DeepClone().AsObject());

    /// <summary>True when a password, PKCS#11 or TPM slot is among <paramref name="slots"/>.</summary>
    public static bool HasStrongSlot(IEnumerable<SlotEntry> slots) => slots.Any(slot => !SoftKinds.Contains(slot.Kind));

    /// <summary>Enrols <paramref name="provider"/> as the next slot and adds it to the document.</summary>
    public static SlotAdded Add(VaultDocument document, ReadOnlySpan<byte> vaultKey, IKeyProvider provider, ISecretSource secrets, TimeProvider time)
    {
        var slot = Enrol(document, vaultKey, provider, secrets, time, out var showOnce);
        document.Slots.Add(slot);
        return new SlotAdded(ToInfo(slot), showOnce);
    }

    /// <summary>
    /// Removes a slot; refused for the last slot, and when it would leave mainnet wallets
    /// (<paramref name="holdsMainnetWallets"/>) behind only key files or recovery keys.
    /// </summary>
    public static void Remove(VaultDocument document, int slotId, Func<bool> holdsMainnetWallets)
    {
        var slot = document.Slots.Find(entry => entry.Id == slotId)
            ?? throw new InvalidInputException("slot", "is not in the vault's slot table");
        if (document.Slots.Count == 1)
        {
            throw new InvalidInputException("slot", "is the vault's last slot; add another slot first");
        }

        var remaining = document.Slots.Where(entry => entry.Id != slotId).ToList();
        if (!HasStrongSlot(remaining) && holdsMainnetWallets())
        {
            throw new InvalidInputException("slot", "is the last password, PKCS#11 or TPM slot of a vault holding mainnet wallets");
        }

        document.Slots.Remove(slot);
    }

    private static SlotEntry Enrol(VaultDocument document, ReadOnlySpan<byte> vaultKey, IKeyProvider provider, ISecretSource secrets, TimeProvider time, out SecureBuffer? showOnce)
    {
        var id = document.Slots.Count == 0 ? 1 : document.Slots.Max(slot => slot.Id) + 1;
        var binding = new SlotBinding(document.VaultId, id, provider.Kind);
        var request = provider.EnrolmentSecret(binding);
        SecureBuffer? secret = null;
        try
        {
            if (request is not null)
            {
                secret = secrets.TryRead(request)
                    ?? throw new UnlockFailedException(UnlockFailureReason.NoSecret, $"slot {id} ({provider.Kind}): no secret was given for the new slot");
            }

            var enrolment = provider.Enrol(vaultKey, binding, secret is null ? ReadOnlySpan<byte>.Empty : secret.ReadOnlySpan);
            showOnce = enrolment.ShowOnce;
            return new SlotEntry(id, provider.Kind, provider.IsHardwareBacked, time.GetUtcNow(), enrolment.Parameters);
        }
        finally
        {
            secret?.Dispose();
        }
    }
}
