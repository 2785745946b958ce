using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Core.State;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Codec;
using HsmWallet.Core.Xrpl.Hashing;

namespace HsmWallet.Core.Policy;

/// <summary>
/// The XRPL counterpart of a slashing-protection database: per account, every Sequence (or
/// TicketSequence) signed and not yet expired, with the hash of what was signed. HsmWallet never
/// signs two different transactions for one Sequence, so a tricked agent cannot get a second,
/// conflicting transaction signed while the first may still apply; signing the identical
/// transaction again is fine. A reservation ends when its Sequence is consumed, when its LastLedgerSequence has
/// passed, or (for a transaction signed without LastLedgerSequence, which the ledger would keep valid for ever)
/// after <see cref="UnboundedReservationLifetime"/>, so one strange transaction cannot hold a wallet's Sequence
/// for good. Persisted in the <see cref="IStateStore"/> (document state/signing-NETWORK.json, sealed by
/// <see cref="SealedStateFile"/>, so a deleted, edited or older copy stops signing), read and written under that
/// document's lock so every process and every instance sharing the store sees each reservation before it signs.
/// </summary>
public sealed class SigningState
{
    /// <summary>
    /// The highest Sequence HsmWallet signs for: an account's Sequence grows by one per transaction from the ledger
    /// index it was created at, so a value this close to 2^32 is never a real next Sequence, and the one after it
    /// would wrap to 0 (which means "use a ticket").
    /// </summary>
    public const uint MaxSequence = uint.MaxValue - 0xFFFF;

    /// <summary>How long a reservation without a LastLedgerSequence holds its Sequence (autofill always sets one).</summary>
    public static readonly TimeSpan UnboundedReservationLifetime = TimeSpan.FromHours(1);

    private readonly object _gate = new();
    private readonly IStateStore? _store;
    private readonly string? _document;
    private readonly TimeProvider _time;
    private readonly Audit.StateSeal? _seal;
    private readonly Dictionary<string, Dictionary<string, Signed>> _accounts = new(StringComparer.Ordinal);
    private long _generation;

    private SigningState(IStateStore? store, string? document, Audit.StateSeal? seal, TimeProvider? time)
    {
        _store = store;
        _document = document;
        _seal = seal;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>A state kept only in memory (tests and benches).</summary>
    public static SigningState InMemory(TimeProvider? time = null) => new(null, null, null, time);

    /// <summary>The file for one network inside the home's state folder.</summary>
    public static string PathFor(string home, string network) => Path.Combine(home, "state", FileNameFor(network));

    /// <summary>The store document for one network.</summary>
    public static string DocumentFor(string network) => SealedStateFile.DocumentOf(FileNameFor(network));

    /// <summary>
    /// Loads the state file at <paramref name="path"/> (a file under a home's state/ folder) through the file backend;
    /// see <see cref="Load(IStateStore, string, Audit.StateSeal, TimeProvider?)"/>.
    /// </summary>
    public static SigningState Load(string path, Audit.StateSeal seal, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var (store, document) = StateFiles.Locate(path);
        return Load(store, document, seal, time);
    }

    /// <summary>
    /// Loads the document checked by <paramref name="seal"/> (absent and never recorded is empty); throws
    /// <see cref="InvalidInputException"/> naming it when it is damaged, loose, deleted, edited or older, so signing stops.
    /// </summary>
    public static SigningState Load(IStateStore store, string document, Audit.StateSeal seal, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(seal);
        var state = new SigningState(store, StateName.Check(document), seal, time);
        lock (state._gate)
        {
            state.OnDocument(session =>
            {
                state.Reload(session);
                return true;
            });
        }

        return state;
    }

    private static string FileNameFor(string network) => "signing-" + network + ".json";

    // Runs work on the document as the store has it now, under its lock (the in-memory state runs it without a session).
    private T OnDocument<T>(Func<IStateSession?, T> work) => _store is null ? work(null) : _store.Exclusive(_document!, session => work(session));

    /// <summary>Re-reads the document, so a Sequence another process or instance signed is seen before this one signs.</summary>
    private void Reload(IStateSession? session)
    {
        if (session is null)
        {
            return;
        }

        _accounts.Clear();
        var (root, generation) = SealedStateFile.Read(session, _document!, _seal!);
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
                    var reservedAt = entry!["reserved_at"] is JsonNode at
                        ? DateTimeOffset.Parse(at.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
                        : DateTimeOffset.UnixEpoch;
                    map[slot] = new Signed(entry["signing_hash"]!.GetValue<string>(), entry["last_ledger_sequence"]?.GetValue<uint>(), reservedAt);
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
            OnDocument(session => Reserve(session, account, slot, hash, lastLedger));
        }
    }

    private bool Reserve(IStateSession? session, AccountId account, string slot, string hash, uint? lastLedger)
    {
        Reload(session);
        var key = account.ToClassicAddress();
        if (!_accounts.TryGetValue(key, out var map))
        {
            _accounts[key] = map = new Dictionary<string, Signed>(StringComparer.Ordinal);
        }

        var now = _time.GetUtcNow();
        if (map.TryGetValue(slot, out var existing) && !existing.HasLapsed(now))
        {
            if (existing.SigningHash == hash)
            {
                return false;
            }

            throw new InvalidInputException("Sequence", "a different transaction was already signed for this Sequence and has not expired");
        }

        map[slot] = new Signed(hash, lastLedger, now);
        Persist(session);
        return true;
    }

    /// <summary>
    /// The next Sequence to use: the ledger's, or the first one after it that no pending signature holds. Only
    /// reservations in an unbroken run from the ledger's Sequence count, so a lone reservation far ahead (signed by
    /// hand with autofill off) never pushes autofill past a gap; a Sequence past <see cref="MaxSequence"/> is refused.
    /// </summary>
    public uint NextSequence(AccountId account, uint ledgerSequence)
    {
        lock (_gate)
        {
            return OnDocument(session => NextSequence(session, account, ledgerSequence));
        }
    }

    private uint NextSequence(IStateSession? session, AccountId account, uint ledgerSequence)
    {
        Reload(session);
        var next = ledgerSequence;
        if (_accounts.TryGetValue(account.ToClassicAddress(), out var map))
        {
            var now = _time.GetUtcNow();
            while (next <= MaxSequence && map.TryGetValue(SequenceSlot(next), out var held) && !held.HasLapsed(now))
            {
                next++;
            }
        }

        return next <= MaxSequence
            ? next
            : throw new InvalidInputException("Sequence", "would pass 4294901760, where the next Sequence wraps; this account cannot sign by Sequence");
    }

    /// <summary>
    /// The Sequences from <paramref name="from"/> up to (not including) <paramref name="to"/> that hold a signature not
    /// yet expired: transactions signed earlier that the ledger has not applied, which a transaction for
    /// <paramref name="to"/> must wait for (the Sequence gap an operator is warned about).
    /// </summary>
    public IReadOnlyList<uint> PendingBetween(AccountId account, uint from, uint to)
    {
        lock (_gate)
        {
            return OnDocument(session => PendingBetween(session, account, from, to));
        }
    }

    private List<uint> PendingBetween(IStateSession? session, AccountId account, uint from, uint to)
    {
        Reload(session);
        var pending = new List<uint>();
        if (!_accounts.TryGetValue(account.ToClassicAddress(), out var map))
        {
            return pending;
        }

        var now = _time.GetUtcNow();
        for (var sequence = from; sequence < to && sequence <= MaxSequence; sequence++)
        {
            if (map.TryGetValue(SequenceSlot(sequence), out var held) && !held.HasLapsed(now))
            {
                pending.Add(sequence);
            }
        }

        return pending;
    }

    /// <summary>
    /// Forgets what can no longer apply: Sequences below the account's current one (consumed) and
    /// anything whose LastLedgerSequence is below <paramref name="validatedLedgerIndex"/> (expired).
    /// </summary>
    public void Forget(AccountId account, uint accountSequence, uint validatedLedgerIndex)
    {
        lock (_gate)
        {
            OnDocument(session => Forget(session, account, accountSequence, validatedLedgerIndex));
        }
    }

    private bool Forget(IStateSession? session, AccountId account, uint accountSequence, uint validatedLedgerIndex)
    {
        Reload(session);
        if (!_accounts.TryGetValue(account.ToClassicAddress(), out var map))
        {
            return false;
        }

        var removed = 0;
        foreach (var (slot, signed) in map.ToArray())
        {
            var consumed = slot[0] == 'S' && uint.Parse(slot.AsSpan(1), CultureInfo.InvariantCulture) < accountSequence;
            var expired = (signed.LastLedgerSequence is uint last && last < validatedLedgerIndex) || signed.HasLapsed(_time.GetUtcNow());
            if (consumed || expired)
            {
                map.Remove(slot);
                removed++;
            }
        }

        if (removed > 0)
        {
            Persist(session);
        }

        return removed > 0;
    }

    private static string SlotOf(JsonObject transaction)
    {
        var sequence = transaction["Sequence"] is JsonNode node ? Whole(node, "Sequence") : throw new InvalidInputException("Sequence", "is required before signing");
        if (sequence > MaxSequence)
        {
            throw new InvalidInputException("Sequence", "must be at most 4294901760: the next Sequence would wrap past 2^32");
        }

        if (sequence != 0)
        {
            return SequenceSlot(sequence);
        }

        return transaction["TicketSequence"] is JsonNode ticket
            ? "T" + Whole(ticket, "TicketSequence").ToString(CultureInfo.InvariantCulture)
            : throw new InvalidInputException("TicketSequence", "is required when Sequence is 0");
    }

    private static string SequenceSlot(uint sequence) => "S" + sequence.ToString(CultureInfo.InvariantCulture);

    private static uint Whole(JsonNode node, string field) =>
        uint.TryParse(node.ToJsonString(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidInputException(field, "must be a whole number");

    private void Persist(IStateSession? session)
    {
        if (session is null)
        {
            return;
        }

        var accounts = new JsonObject();
        foreach (var (account, map) in _accounts.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            var entries = new JsonObject();
            foreach (var (slot, signed) in map.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                entries[slot] = new JsonObject
                {
                    ["signing_hash"] = signed.SigningHash,
                    ["last_ledger_sequence"] = signed.LastLedgerSequence,
                    ["reserved_at"] = signed.ReservedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                };
            }

            accounts[account] = entries;
        }

        _generation = SealedStateFile.Write(session, _document!, _seal!, _generation, new JsonObject { ["version"] = 1, ["accounts"] = accounts });
    }

    private sealed record Signed(string SigningHash, uint? LastLedgerSequence, DateTimeOffset ReservedAt)
    {
        /// <summary>A reservation with no LastLedgerSequence lapses after its lifetime; one with a deadline waits for the ledger.</summary>
        public bool HasLapsed(DateTimeOffset now) => LastLedgerSequence is null && now - ReservedAt >= UnboundedReservationLifetime;
    }
}
