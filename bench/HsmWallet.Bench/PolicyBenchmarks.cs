using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using HsmWallet.Core.Ledger;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Policy.Effects;
using HsmWallet.Core.Tests.Fixtures;
using HsmWallet.Core.Xrpl.Addresses;

namespace HsmWallet.Bench;

/// <summary>
/// Policy evaluation throughput through the effect model (target: at least 100,000 decisions a second, i.e. at
/// most 10 µs each, with 200 transactions in the day's window, without ledger lookups) for the default mainnet
/// policy: a payment, an offer, a Batch of three inner payments, and an NFT offer acceptance with its ledger reading
/// already taken; with empty counters and with 199 signed transactions in the sliding windows (in memory, and
/// file-backed: a stat per read notices other processes). The lookup itself is measured by
/// <see cref="ReferencedObjectLookupBenchmarks"/>.
/// Run: dotnet run -c Release --project bench/HsmWallet.Bench -- --filter '*PolicyEvaluation*' '*ReferencedObjectLookup*'
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MemoryDiagnoser]
public class PolicyEvaluationBenchmarks
{
    private static readonly AccountId Wallet = AccountId.FromBytes(Enumerable.Repeat((byte)1, AccountId.Length).ToArray());
    private static readonly AccountId Friend = AccountId.FromBytes(Enumerable.Repeat((byte)2, AccountId.Length).ToArray());
    private static readonly AccountId Issuer = AccountId.FromBytes(Enumerable.Repeat((byte)4, AccountId.Length).ToArray());
    private PolicyEngine empty = null!;
    private PolicyEngine busy = null!;
    private PolicyEngine busyOnDisk = null!;
    private HsmWallet.Core.Audit.AuditWriter audit = null!;
    private string folder = string.Empty;
    private JsonObject payment = null!;
    private JsonObject offer = null!;
    private JsonObject batch = null!;
    private JsonObject acceptOffer = null!;
    private LedgerReadings offerReading = null!;

    [GlobalSetup]
    public void Setup()
    {
        var file = PolicyFile.Trusted(PolicyDocument.Default);
        empty = new PolicyEngine(file, PolicyCounters.InMemory(), TimeProvider.System);
        busy = new PolicyEngine(file, PolicyCounters.InMemory(), TimeProvider.System);
        payment = new JsonObject
        {
            ["TransactionType"] = "Payment",
            ["Account"] = Wallet.ToClassicAddress(),
            ["Destination"] = Friend.ToClassicAddress(),
            ["Amount"] = "2500000",
            ["Fee"] = "12",
            ["Sequence"] = 7,
            ["LastLedgerSequence"] = 1234,
        };
        offer = new JsonObject
        {
            ["TransactionType"] = "OfferCreate",
            ["Account"] = Wallet.ToClassicAddress(),
            ["TakerGets"] = "15000000",
            ["TakerPays"] = new JsonObject { ["currency"] = "USD", ["issuer"] = Issuer.ToClassicAddress(), ["value"] = "7.25" },
            ["Fee"] = "12",
            ["Sequence"] = 8,
        };
        var inner = new JsonArray();
        for (var i = 0; i < 3; i++)
        {
            var copy = (JsonObject)payment.DeepClone();
            copy["Fee"] = "0";
            copy["Sequence"] = 9 + i;
            copy.Remove("LastLedgerSequence");
            inner.Add(new JsonObject { ["RawTransaction"] = copy });
        }

        batch = new JsonObject
        {
            ["TransactionType"] = "Batch",
            ["Account"] = Wallet.ToClassicAddress(),
            ["Flags"] = 0x00010000,
            ["RawTransactions"] = inner,
            ["Fee"] = "40",
            ["Sequence"] = 8,
        };
        acceptOffer = new JsonObject
        {
            ["TransactionType"] = "NFTokenAcceptOffer",
            ["Account"] = Wallet.ToClassicAddress(),
            ["NFTokenSellOffer"] = ReferencedObjectLookupBenchmarks.OfferId,
            ["Fee"] = "12",
            ["Sequence"] = 12,
        };
        offerReading = new LedgerReadings("not read");
        var request = EffectReader.RequestsFor(acceptOffer).Single();
        offerReading.Add(request, new LedgerObjectReading(ReferencedObjectLookupBenchmarks.Offer(Friend.ToClassicAddress()), null));
        folder = Path.Combine(Path.GetTempPath(), "hsmwallet-bench-policy-" + Guid.NewGuid().ToString("N"));
        audit = new HsmWallet.Core.Audit.AuditWriter(Path.Combine(folder, "audit"), new byte[32]);
        busyOnDisk = new PolicyEngine(file, PolicyCounters.Load(Path.Combine(folder, "state", "policy-counters.json"), audit.StateSeal), TimeProvider.System);
        for (var i = 0; i < 199; i++)
        {
            busy.RecordSigned("mainnet", Wallet, payment);
            busyOnDisk.RecordSigned("mainnet", Wallet, payment);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        audit.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "Evaluate payment, empty counters")]
    public PolicyDecision PaymentEmpty() => empty.Evaluate("mainnet", Wallet, payment);

    [Benchmark(Description = "Evaluate payment, 199 signed today")]
    public PolicyDecision PaymentBusy() => busy.Evaluate("mainnet", Wallet, payment);

    [Benchmark(Description = "Evaluate payment, 199 signed today, counters file")]
    public PolicyDecision PaymentBusyOnDisk() => busyOnDisk.Evaluate("mainnet", Wallet, payment);

    [Benchmark(Description = "Evaluate XRP/IOU offer, empty counters")]
    public PolicyDecision OfferEmpty() => empty.Evaluate("mainnet", Wallet, offer);

    [Benchmark(Description = "Evaluate Batch of 3 payments, 199 signed today")]
    public PolicyDecision BatchBusy() => busy.Evaluate("mainnet", Wallet, batch);

    [Benchmark(Description = "Evaluate NFT sell-offer acceptance (reading taken), 199 signed today")]
    public PolicyDecision AcceptOfferBusy() => busy.Evaluate("mainnet", Wallet, acceptOffer, offerReading);
}

/// <summary>
/// What a referenced object adds to preparation: one ledger_entry round trip to the loopback stand-in, reading the
/// sell offer an NFTokenAcceptOffer accepts (the decision itself is measured above).
/// Run: dotnet run -c Release --project bench/HsmWallet.Bench -- --filter '*ReferencedObjectLookup*'
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class ReferencedObjectLookupBenchmarks
{
    /// <summary>The offer's ledger index.</summary>
    public const string OfferId = "0A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F9";

    private RippledStandIn standIn = null!;
    private LedgerClient client = null!;
    private JsonObject accept = null!;

    /// <summary>A sell offer as ledger_entry returns it.</summary>
    public static JsonObject Offer(string owner) => new()
    {
        ["LedgerEntryType"] = "NFTokenOffer",
        ["Flags"] = 1,
        ["Amount"] = "4999000000",
        ["Owner"] = owner,
        ["NFTokenID"] = "000800006203F49C21D5D6E022CB16DE3538F248662FC73C00000000000000AA",
        ["index"] = OfferId,
    };

    [GlobalSetup]
    public void Setup()
    {
        standIn = RippledStandIn.Start();
        standIn.LedgerObjects[OfferId] = Offer("rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe");
        client = new LedgerClient(standIn.Network(webSocket: false));
        accept = new JsonObject { ["TransactionType"] = "NFTokenAcceptOffer", ["NFTokenSellOffer"] = OfferId, ["Fee"] = "12" };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        client.Dispose();
        standIn.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Description = "Read a referenced NFT offer (one ledger_entry, HTTP loopback)")]
    public Task<LedgerReadings> ReadOffer() => LedgerObjectReader.ReadAsync(client, accept, CancellationToken.None);
}
