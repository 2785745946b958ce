using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Core.State;

namespace HsmWallet.Core.Policy;

/// <summary>
/// What has been signed, per network and wallet, over the last 24 hours, and every destination ever
/// paid: the memory behind volume, count and new-destination limits. Advanced only by
/// <see cref="PolicyEngine.RecordSigned"/> and persisted in the <see cref="IStateStore"/> (document
/// state/policy-counters.json, sealed by <see cref="SealedStateFile"/>) so neither a restart nor another instance
/// resets the limits. A counters document that cannot be read, or that is deleted, edited or replaced by an older
/// copy, makes every decision deny. Each decision reads the document once (<see cref="PolicyEngine.Evaluate"/>, under the
/// account's signing scope when it guards a signature) and all its rules use that reading; <see cref="Record"/> reads
/// it again under its own lock before it adds, so what other accounts added meanwhile is kept. A signature an agent asked
/// for over HTTP is also kept as an entry of that agent's (field "agent"), which only its own policy section counts.
/// </summary>
public sealed class PolicyCounters
{
    /// <summary>The most destinations remembered per wallet (and per agent's own view of it); past it the ones first in order are forgotten, so they count as new again (stricter, never looser).</summary>
    internal const int MaximumKnownDestinations = 1000;

    private static readonly TimeSpan Day = TimeSpan.FromHours(24);

    // Signatures are kept as sums per slot, a minute wide within the last hour and an hour wide before it, stamped with
    // the slot's latest time: a window counts a sum as long as its latest member (up to a minute longer for the hour, an
    // hour longer for the day, never shorter).
    private static readonly TimeSpan RecentSlot = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan OlderSlot = TimeSpan.FromHours(1);
    private readonly object _gate = new();
    private readonly IStateStore? _store;
    private readonly Audit.StateSeal? _seal;
    private readonly List<Entry> _entries = [];
    private readonly Dictionary<string, HashSet<string>> _known = new(StringComparer.Ordinal);

    private byte[]? _seen;
    private bool _loaded;
    private long _generation;

    private PolicyCounters(IStateStore? store, Audit.StateSeal? seal)
    {
        _store = store;
        _seal = seal;
    }

    /// <summary>Why the counters cannot be trusted, or null.</summary>
    public string? Problem { get; private set; }

    /// <summary>Counters kept only in memory (tests and benches).</summary>
    public static PolicyCounters InMemory() => new(null, null);

    /// <summary>
    /// Loads the counters file, checked by <paramref name="seal"/> (absent and never recorded is empty); a file that
    /// cannot be read or fails its check is reported through <see cref="Problem"/>, which denies.
    /// </summary>
    public static PolicyCounters Load(string path, Audit.StateSeal seal)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Load(StateFiles.Locate(path).Store, seal);
    }

    /// <summary>
    /// Loads the counters document of <paramref name="store"/>, checked by <paramref name="seal"/> (absent and never
    /// recorded is empty); a document that cannot be read or fails its check is reported through <see cref="Problem"/>, which denies.
    /// </summary>
    public static PolicyCounters Load(IStateStore store, Audit.StateSeal seal)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(seal);
        var counters = new PolicyCounters(store, seal);
        lock (counters._gate)
        {
            counters.Refresh();
        }

        return counters;
    }

    /// <summary>
    /// The counters of <paramref name="store"/> not yet read: the engine reads them once when it evaluates (one read per
    /// decision, where <see cref="Load(IStateStore, Audit.StateSeal)"/> followed by a decision would read twice).
    /// </summary>
    public static PolicyCounters ForDecision(IStateStore store, Audit.StateSeal seal)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(seal);
        return new PolicyCounters(store, seal);
    }

    private static string Document => SealedStateFile.DocumentOf(SealedStateFile.CountersFileName);

    /// <summary>Reads the document as the store has it now, under its lock (parsed again only when its bytes changed); any failure sets <see cref="Problem"/>.</summary>
    private void Refresh()
    {
        if (_store is null)
        {
            return;
        }

        try
        {
            // The committed document, read without its lock: a decision previewed with it is made again, and its totals
            // added to, under the lock (Record), where the document is read once more in the signature's session.
            Refresh(_store.ReadCommitted(Document));
        }
        catch (InvalidInputException exception) when (exception.Field.StartsWith("state/", StringComparison.Ordinal))
        {
            Problem = exception.Message;
        }
        catch (StateStoreException exception)
        {
            Problem = exception.Message;
        }
        catch (Exception exception) when (exception is InvalidInputException or JsonException or IOException
            or UnauthorizedAccessException or InvalidOperationException or FormatException or NullReferenceException)
        {
            Problem = "policy counters cannot be read; signing is denied until state/policy-counters.json is repaired";
        }
    }

    private void Refresh(IStateSession session) => Refresh(session.Read(Document));

    private void Refresh(byte[]? content)
    {
        if (_loaded && content is not null && _seen is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(content), _seen))
        {
            return;
        }

        _entries.Clear();
        _known.Clear();
        _loaded = false;
        var (body, generation) = SealedStateFile.Read(content, Document, _seal!);
        if (body is not null)
        {
            Read(body);
        }

        _generation = generation;
        _seen = content is null ? null : SHA256.HashData(content);
        _loaded = true;
    }

    /// <summary>Reads the document again (when it changed) for the decision about to be made; its rules then use this reading.</summary>
    internal void RefreshForDecision()
    {
        lock (_gate)
        {
            Refresh();
        }
    }

    /// <summary>
    /// What was signed in the windows for <paramref name="wallet"/>: the home's totals (every signature), or with
    /// <paramref name="agent"/> only what that agent signed (its own entries, see <see cref="Record"/>).
    /// </summary>
    internal Totals TotalsFor(string network, string wallet, DateTimeOffset now, IReadOnlyList<string> assets, string? agent = null)
    {
        var totals = new Totals();
        lock (_gate)
        {
            ThrowIfBroken();
            var hourStart = now - TimeSpan.FromHours(1);
            var dayStart = now - Day;
            // Sums per asset in plain arrays while walking the window; the dictionaries are filled once at the end.
            var day = new decimal[assets.Count];
            var hour = new decimal[assets.Count];
            var inDay = new bool[assets.Count];
            var inLastHour = new bool[assets.Count];
            foreach (var entry in _entries)
            {
                if (entry.At <= dayStart || entry.Network != network || entry.Wallet != wallet || entry.Agent != agent)
                {
                    continue;
                }

                var inHour = entry.At > hourStart;
                totals.DayCount += entry.Count;
                totals.HourCount += inHour ? entry.Count : 0;
                totals.NewDestinationsDay += entry.NewDestinationCount;
                for (var i = 0; i < assets.Count; i++)
                {
                    var asset = assets[i];
                    decimal amount;
                    if (asset == AssetKey.Xrp)
                    {
                        amount = entry.Xrp;
                    }
                    else if (!entry.Amounts.TryGetValue(asset, out amount))
                    {
                        continue;
                    }

                    day[i] += amount;
                    inDay[i] = true;
                    if (inHour)
                    {
                        hour[i] += amount;
                        inLastHour[i] = true;
                    }
                }
            }

            for (var i = 0; i < assets.Count; i++)
            {
                if (inDay[i])
                {
                    totals.DayVolume[assets[i]] = totals.DayVolume.GetValueOrDefault(assets[i]) + day[i];
                }

                if (inLastHour[i])
                {
                    totals.HourVolume[assets[i]] = totals.HourVolume.GetValueOrDefault(assets[i]) + hour[i];
                }
            }
        }

        return totals;
    }

    internal bool IsKnownDestination(string network, string wallet, string destination, string? agent = null)
    {
        lock (_gate)
        {
            ThrowIfBroken();
            return _known.TryGetValue(KnownKey(network, wallet, agent), out var set) && set.Contains(destination);
        }
    }

    /// <summary>
    /// Adds one signature: an entry for the home, and with <paramref name="agent"/> a second entry (and known destinations)
    /// of that agent's own, so its section's limits count only its signatures; both in one sealed write.
    /// </summary>
    internal void Record(string network, string wallet, TransactionValue value, IReadOnlyCollection<string> recipients, int count, DateTimeOffset now, string? agent = null)
    {
        lock (_gate)
        {
            if (_store is null)
            {
                Add(network, wallet, value, recipients, count, now, null);
                AddForAgent(network, wallet, value, recipients, count, now, agent);
                return;
            }

            _store.Exclusive(Document, session =>
            {
                Refresh(session);
                Add(network, wallet, value, recipients, count, now, null);
                AddForAgent(network, wallet, value, recipients, count, now, agent);
                _generation = SealedStateFile.Write(session, Document, _seal!, _generation, Serialize(), out var written);
                _seen = SHA256.HashData(written);
                return true;
            });
        }
    }

    private void AddForAgent(string network, string wallet, TransactionValue value, IReadOnlyCollection<string> recipients, int count, DateTimeOffset now, string? agent)
    {
        if (agent is not null)
        {
            Add(network, wallet, value, recipients, count, now, agent);
        }
    }

    // An agent's known destinations are kept under "agent:NAME|network|wallet"; the home's under "network|wallet" as before.
    private static string KnownKey(string network, string wallet, string? agent) =>
        agent is null ? network + "|" + wallet : "agent:" + agent + "|" + network + "|" + wallet;

    private void Add(string network, string wallet, TransactionValue value, IReadOnlyCollection<string> recipients, int count, DateTimeOffset now, string? agent)
    {
        if (Problem is not null)
        {
            throw new InvalidInputException("policy-counters.json", "cannot be read, so nothing more is recorded over it");
        }

        var amounts = new Dictionary<string, decimal>(value.Tokens, StringComparer.Ordinal)
        {
            [AssetKey.Xrp] = value.AmountOf(AssetKey.Xrp),
        };
        var newDestinations = 0;
        var key = KnownKey(network, wallet, agent);
        if (!_known.TryGetValue(key, out var set))
        {
            _known[key] = set = new HashSet<string>(StringComparer.Ordinal);
        }

        foreach (var recipient in recipients)
        {
            if (set.Add(recipient))
            {
                newDestinations++;
            }
        }

        while (set.Count > MaximumKnownDestinations)
        {
            set.Remove(set.Min(StringComparer.Ordinal)!);
        }

        _entries.Add(new Entry(now, network, wallet, amounts, newDestinations, Math.Max(1, count)) { Agent = agent });
        Compact(now);
    }

    /// <summary>
    /// Bounds the document whatever the rate of signatures (at most 84 sums per wallet and agent): drops what left the
    /// day, and merges signatures into sums per wallet and agent, per minute within the last hour and per hour before
    /// it. A sum is stamped with its latest member's time, so no window ever counts less than the signatures in it
    /// (limits only get stricter: a day's volume is released up to an hour later, an hour's up to a minute later).
    /// </summary>
    private void Compact(DateTimeOffset now)
    {
        _entries.RemoveAll(entry => entry.At <= now - Day);
        var compacted = new List<Entry>(_entries.Count);
        var slots = new Dictionary<(string Network, string Wallet, string? Agent, long Width, long Slot), int>();
        foreach (var entry in _entries.OrderBy(entry => entry.At))
        {
            var age = now - entry.At;
            var width = (long)(age < OlderSlot ? RecentSlot : OlderSlot).TotalMilliseconds;
            var slot = (entry.Network, entry.Wallet, entry.Agent, width, entry.At.ToUnixTimeMilliseconds() / width);
            if (slots.TryGetValue(slot, out var index))
            {
                compacted[index] = Merge(compacted[index], entry);
            }
            else
            {
                slots[slot] = compacted.Count;
                compacted.Add(entry);
            }
        }

        _entries.Clear();
        _entries.AddRange(compacted);
    }

    private static Entry Merge(Entry earlier, Entry later)
    {
        var amounts = new Dictionary<string, decimal>(earlier.Amounts, StringComparer.Ordinal);
        foreach (var (asset, amount) in later.Amounts)
        {
            amounts[asset] = amounts.GetValueOrDefault(asset) + amount;
        }

        var at = later.At > earlier.At ? later.At : earlier.At;
        return new Entry(at, earlier.Network, earlier.Wallet, amounts, earlier.NewDestinationCount + later.NewDestinationCount, earlier.Count + later.Count)
        {
            Agent = earlier.Agent,
        };
    }

    private void ThrowIfBroken()
    {
        if (Problem is not null)
        {
            throw new InvalidInputException("policy-counters.json", "cannot be read; signing is denied until it is repaired");
        }
    }

    private JsonObject Serialize()
    {
        var entries = new JsonArray();
        foreach (var entry in _entries)
        {
            var amounts = new JsonObject();
            foreach (var (asset, amount) in entry.Amounts.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                amounts[asset] = amount.ToString(CultureInfo.InvariantCulture);
            }

            var json = new JsonObject
            {
                ["at"] = entry.At.ToUnixTimeMilliseconds(),
                ["network"] = entry.Network,
                ["wallet"] = entry.Wallet,
                ["amounts"] = amounts,
                ["new_destination_count"] = entry.NewDestinationCount,
                ["count"] = entry.Count,
            };
            if (entry.Agent is not null)
            {
                // Present only on an agent's own entries: the home's entries read as before.
                json["agent"] = entry.Agent;
            }

            entries.Add((JsonNode)json);
        }

        var known = new JsonObject();
        foreach (var (key, set) in _known.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            known[key] = new JsonArray(set.Order(StringComparer.Ordinal).Select(item => (JsonNode?)JsonValue.Create(item)).ToArray());
        }

        // Version 2: sums per slot and counts of new destinations; a version-1 reader refuses it (denies) rather than undercount.
        return new JsonObject { ["version"] = 2, ["entries"] = entries, ["known_destinations"] = known };
    }

    private void Read(JsonObject root)
    {
        if (root["version"]?.GetValue<int>() is not (1 or 2))
        {
            throw new InvalidInputException("policy-counters.json.version", "must be 1 or 2");
        }

        foreach (var node in root["entries"]!.AsArray())
        {
            var entry = node!.AsObject();
            var amounts = entry["amounts"]!.AsObject().ToDictionary(
                pair => pair.Key,
                pair => decimal.Parse(pair.Value!.GetValue<string>(), NumberStyles.Number, CultureInfo.InvariantCulture),
                StringComparer.Ordinal);
            _entries.Add(new Entry(
                DateTimeOffset.FromUnixTimeMilliseconds(entry["at"]!.GetValue<long>()),
                entry["network"]!.GetValue<string>(),
                entry["wallet"]!.GetValue<string>(),
                amounts,
                NewDestinationsOf(entry),
                entry["count"]?.GetValue<int>() ?? 1)
            { Agent = entry["agent"]?.GetValue<string>() });
        }

        foreach (var (key, list) in root["known_destinations"]!.AsObject())
        {
            _known[key] = list!.AsArray().Select(item => item!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        }
    }

    // Version 2 keeps a count; version 1 a list, and files written before the effect model one "new_destination".
    private static int NewDestinationsOf(JsonObject entry) =>
        entry["new_destination_count"] is JsonValue count ? count.GetValue<int>()
        : entry["new_destinations"] is JsonArray list ? list.Count
        : entry["new_destination"] is not null ? 1 : 0;

    internal sealed class Totals
    {
        public int HourCount { get; set; }

        public int DayCount { get; set; }

        public int NewDestinationsDay { get; set; }

        public Dictionary<string, decimal> HourVolume { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, decimal> DayVolume { get; } = new(StringComparer.Ordinal);
    }

    private sealed record Entry(DateTimeOffset At, string Network, string Wallet, Dictionary<string, decimal> Amounts, int NewDestinationCount, int Count)
    {
        public decimal Xrp { get; } = Amounts.GetValueOrDefault(AssetKey.Xrp);

        // Null on the home's entries; the agent's name on the copy kept for its own section's limits.
        public string? Agent { get; init; }
    }
}
