using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Codec;
using HsmWallet.Core.Xrpl.Hashing;

namespace HsmWallet.Core.Policy;

/// <summary>
/// The XRPL counterpart of a slashing-protection database: per account, every Sequence (or
/// TicketSequence) signed and not yet expired, with the hash of what was signed. HsmWallet never
/// signs two different transactions for one Sequence, so a tricked agent cannot get a second,
/// conflicting transaction signed while the first may still apply; signing the identical
/// transaction again is fine. Persisted atomically (state/signing-NETWORK.json, sealed by <see cref="SealedStateFile"/>,
/// so a deleted, edited or older copy stops signing).
/// </summary>
public sealed class SigningState
{
    private readonly object _gate = new();
    private readonly string? _path;
    private readonly Audit.StateSeal? _seal;
    private readonly Dictionary<string, Dictionary<string, Signed>> _accounts = new(StringComparer.Ordinal);
    private long _generation;

    private SigningState(string? path, Audit.StateSeal? seal)
    {
        _path = path;
        _seal = seal;
    }

    /// <summary>A state kept only in memory (tests and benches).</summary>
    public static SigningState InMemory() => new(null, null);

    /// <summary>The file for one network inside the home's state folder.</summary>
    public static string PathFor(string home, string network) => Path.Combine(home, "state", "signing-" + network + ".json");

    /// <summary>
    /// Loads the state file checked by <paramref name="seal"/> (absent and never recorded is empty); throws
    /// <see cref="InvalidInputException"/> naming the file on a damaged, loose, deleted, edited or older file, so signing stops.
    /// </summary>
    public static SigningState Load(string path, Audit.StateSeal seal)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(seal);
        var state = new SigningState(path, seal);
        state.Reload();
        return state;
    }

    /// <summary>Re-reads the file, so a Sequence another process signed is seen before this one signs.</summary>
    private void Reload()
    {
        if (_path is null)
        {
            return;
        }

        _accounts.Clear();
        var (root, generation) = SealedStateFile.Read(_path, _seal!);
        _generation = generation;
        if (root is null)
        {
            return;
        }

        try
        {
            if (root["version"]?.GetValue<int>() != 1)
            {
                throw new InvalidInputException("signing state.version", "must be 1");
            }

            foreach (var (account, entries) in root["accounts"]!.AsObject())
            {
                var map = new Dictionary<string, Signed>(StringComparer.Ordinal);
                foreach (var (slot, entry) in entries!.AsObject())
                {
                    map[slot] = new Signed(entry!["signing_hash"]!.GetValue<string>(), entry["last_ledger_sequence"]?.GetValue<uint>());
                }

                _accounts[account] = map;
            }
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            throw new InvalidInputException("signing state", "file is damaged; signing is refused until it is repaired", exception);
        }
    }

    /// <summary>
    /// Records that <paramref name="transaction"/> is about to be signed for <paramref name="account"/>;
    /// throws <see cref="InvalidInputException"/> (field Sequence) when a different transaction was
    /// already signed for the same Sequence and has not expired. Persists before returning.
    /// </summary>
    public void Reserve(AccountId account, JsonObject transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var slot = SlotOf(transaction);
        var hash = Convert.ToHexString(Sha512Half.Hash(XrplBinaryCodec.EncodeForSigning(transaction)));
        uint? lastLedger = transaction["LastLedgerSequence"] is JsonNode node ? Whole(node, "LastLedgerSequence") : null;
        lock (_gate)
        {
            using var processLock = _path is null ? null : PolicyProcessLock.Acquire(_path);
            Reload();
            var key = account.ToClassicAddress();
            if (!_accounts.TryGetValue(key, out var map))
            {
                _accounts[key] = map = new Dictionary<string, Signed>(StringComparer.Ordinal);
            }

            if (map.TryGetValue(slot, out var existing))
            {
                if (existing.SigningHash == hash)
                {
                    return;
                }

                throw new InvalidInputException("Sequence", "a different transaction was already signed for this Sequence and has not expired");
            }

            map[slot] = new Signed(hash, lastLedger);
            Persist();
        }
    }

    /// <summary>The next Sequence to use: the ledger's, or one past the highest this wallet signed that is still pending.</summary>
    public uint NextSequence(AccountId account, uint ledgerSequence)
    {
        lock (_gate)
        {
            Reload();
            var next = ledgerSequence;
            if (_accounts.TryGetValue(account.ToClassicAddress(), out var map))
            {
                foreach (var slot in map.Keys)
                {
                    if (slot[0] == 'S' && uint.Parse(slot.AsSpan(1), CultureInfo.InvariantCulture) is var sequence && sequence >= next)
                    {
                        next = sequence + 1;
                    }
                }
            }

            return next;
        }
    }

    /// <summary>
    /// Forgets what can no longer apply: Sequences below the account's current one (consumed) and
    /// anything whose LastLedgerSequence is below <paramref name="validatedLedgerIndex"/> (expired).
    /// </summary>
    public void Forget(AccountId account, uint accountSequence, uint validatedLedgerIndex)
    {
        lock (_gate)
        {
            using var processLock = _path is null ? null : PolicyProcessLock.Acquire(_path);
            Reload();
            if (!_accounts.TryGetValue(account.ToClassicAddress(), out var map))
            {
                return;
            }

            var removed = 0;
            foreach (var (slot, signed) in map.ToArray())
            {
                var consumed = slot[0] == 'S' && uint.Parse(slot.AsSpan(1), CultureInfo.InvariantCulture) < accountSequence;
                var expired = signed.LastLedgerSequence is uint last && last < validatedLedgerIndex;
                if (consumed || expired)
                {
                    map.Remove(slot);
                    removed++;
                }
            }

            if (removed > 0)
            {
                Persist();
            }
        }
    }

    private static string SlotOf(JsonObject transaction)
    {
        var sequence = transaction["Sequence"] is JsonNode node ? Whole(node, "Sequence") : throw new InvalidInputException("Sequence", "is required before signing");
        if (sequence != 0)
        {
            return "S" + sequence.ToString(CultureInfo.InvariantCulture);
        }

        return transaction["TicketSequence"] is JsonNode ticket
            ? "T" + Whole(ticket, "TicketSequence").ToString(CultureInfo.InvariantCulture)
            : throw new InvalidInputException("TicketSequence", "is required when Sequence is 0");
    }

    private static uint Whole(JsonNode node, string field) =>
        uint.TryParse(node.ToJsonString(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidInputException(field, "must be a whole number");

    private void Persist()
    {
        if (_path is null)
        {
            return;
        }

        var accounts = new JsonObject();
        foreach (var (account, map) in _accounts.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            var entries = new JsonObject();
            foreach (var (slot, signed) in map.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                entries[slot] = new JsonObject { ["signing_hash"] = signed.SigningHash, ["last_ledger_sequence"] = signed.LastLedgerSequence };
            }

            accounts[account] = entries;
        }

        _generation = SealedStateFile.Write(_path, _seal!, _generation, new JsonObject { ["version"] = 1, ["accounts"] = accounts });
    }

    private sealed record Signed(string SigningHash, uint? LastLedgerSequence);
}
