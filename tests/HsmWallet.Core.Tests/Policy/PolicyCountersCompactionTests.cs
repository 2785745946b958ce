using HsmWallet.Core.Audit;
using HsmWallet.Core.Policy;
using HsmWallet.Core.State;
using static HsmWallet.Core.Tests.Policy.PolicyTestData;

namespace HsmWallet.Core.Tests.Policy;

/// <summary>
/// The counters document is bounded whatever the rate of signatures (a busy wallet must not grow it to the store's
/// 1 MiB limit, which would stop every wallet), and merging old signatures into sums never makes a limit looser.
/// </summary>
public sealed class PolicyCountersCompactionTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "hsmwallet-compaction-" + Guid.NewGuid().ToString("N"));
    private readonly MemoryStore _store = new();
    private AuditWriter? _audit;

    private StateSeal Seal => (_audit ??= new AuditWriter(Path.Combine(_home, "audit"), new byte[32])).StateSeal;

    private int DocumentBytes => _store.Documents[SealedStateFile.DocumentOf(SealedStateFile.CountersFileName)].Length;

    [Fact]
    public void A_day_of_a_signature_every_minute_keeps_the_document_small_and_the_day_counted_to_the_drop()
    {
        var clock = Clock();
        var engine = new PolicyEngine(PolicyFile.Trusted(Document("""{"max_daily_volume":{"XRP":"1440"}}""")), PolicyCounters.Load(_store, Seal), clock);
        var sizes = new List<int>();
        for (var minute = 0; minute < 1440; minute++)
        {
            // 0.999990 XRP + a 10-drop fee: exactly 1 XRP a signature.
            engine.RecordSigned("testnet", Wallet, Payment(999_990));
            sizes.Add(DocumentBytes);
            clock.Now += TimeSpan.FromMinutes(1);
        }

        // All 1440 signatures are inside the day until the first is 24 hours old: the day is full to the drop.
        clock.Now -= TimeSpan.FromSeconds(1);
        Assert.Equal(PolicyDecisionKind.Approve, engine.Evaluate("testnet", Wallet, Payment(1)).Kind);
        clock.Now += TimeSpan.FromSeconds(1);

        // A second day at the same rate: the document stays at its first day's size (a sum per minute and per hour).
        for (var minute = 0; minute < 1440; minute++)
        {
            engine.RecordSigned("testnet", Friend, Payment(999_990));
            sizes.Add(DocumentBytes);
            clock.Now += TimeSpan.FromMinutes(1);
        }

        Assert.True(sizes.Max() < 32 * 1024, $"the document grew to {sizes.Max()} bytes");
        Assert.True(sizes[^1] <= sizes[1439] + 512, $"the document keeps growing: {sizes[1439]} bytes after a day, {sizes[^1]} after two");
    }

    [Fact]
    public void Merged_signatures_are_released_no_earlier_than_each_one_would_be()
    {
        var clock = Clock();
        var engine = new PolicyEngine(PolicyFile.Trusted(Document("""{"max_daily_volume":{"XRP":"100"},"max_hourly_volume":{"XRP":"100"}}""")), PolicyCounters.Load(_store, Seal), clock);
        for (var i = 0; i < 10; i++)
        {
            engine.RecordSigned("testnet", Wallet, Payment(9_999_990));
            clock.Now += TimeSpan.FromSeconds(25);
        }

        // Three hours on (the ten are merged by then), the hour is free and the day is full.
        clock.Now += TimeSpan.FromHours(3);
        engine.RecordSigned("testnet", Friend, Payment(1));
        Assert.Equal(PolicyDecisionKind.Approve, engine.Evaluate("testnet", Wallet, Payment(1)).Kind);

        // 24 hours after the last of the ten, every one of them has left the day.
        clock.Now = Noon + TimeSpan.FromSeconds(9 * 25) + TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1);
        Assert.Equal(PolicyDecisionKind.Allow, engine.Evaluate("testnet", Wallet, Payment(9_999_990)).Kind);
    }

    [Fact]
    public void Paying_more_destinations_than_are_remembered_makes_the_forgotten_ones_new_again_and_keeps_the_document_bounded()
    {
        var clock = Clock();
        var engine = new PolicyEngine(PolicyFile.Trusted(Document("""{"new_destination_requires_approval":true}""")), PolicyCounters.Load(_store, Seal), clock);
        var paid = new List<HsmWallet.Core.Xrpl.Addresses.AccountId>();
        for (var i = 0; i < PolicyCounters.MaximumKnownDestinations + 10; i++)
        {
            var bytes = new byte[20];
            BitConverter.TryWriteBytes(bytes, i + 1);
            paid.Add(HsmWallet.Core.Xrpl.Addresses.AccountId.FromBytes(bytes));
            engine.RecordSigned("testnet", Wallet, Payment(1, paid[^1]));
            clock.Now += TimeSpan.FromSeconds(1);
        }

        Assert.True(DocumentBytes < 64 * 1024, $"the document holds {DocumentBytes} bytes");
        var newAgain = paid.Count(destination => engine.Evaluate("testnet", Wallet, Payment(1, destination)).Kind == PolicyDecisionKind.Approve);
        Assert.Equal(10, newAgain);
    }

    public void Dispose()
    {
        _audit?.Dispose();
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    /// <summary>A store in memory: the documents' bytes as written, so a test can weigh them.</summary>
    private sealed class MemoryStore : IStateStore
    {
        public Dictionary<string, byte[]> Documents { get; } = new(StringComparer.Ordinal);

        public string Description => "memory";

        public T Exclusive<T>(string scope, Func<IStateSession, T> work)
        {
            lock (Documents)
            {
                return work(new Session(Documents));
            }
        }

        private sealed class Session(Dictionary<string, byte[]> documents) : IStateSession
        {
            public byte[]? Read(string name) => documents.TryGetValue(name, out var content) ? (byte[])content.Clone() : null;

            public void Write(string name, ReadOnlySpan<byte> content) => documents[name] = content.ToArray();

            public bool Delete(string name) => documents.Remove(name);

            public IReadOnlyList<string> List(string folder) =>
                [.. documents.Keys.Where(name => name.StartsWith(folder + "/", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
        }
    }
}
