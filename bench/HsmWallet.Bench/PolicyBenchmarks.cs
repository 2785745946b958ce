using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Xrpl.Addresses;

namespace HsmWallet.Bench;

/// <summary>
/// Policy evaluation throughput (target: at least 50,000 evaluations a second, i.e. at most 20 µs
/// each) for the default mainnet policy, with empty counters and with a full day of 199 signed
/// transactions in the sliding windows (in memory, and file-backed: a stat per read notices other processes).
/// Run: dotnet run -c Release --project bench/HsmWallet.Bench -- --filter '*PolicyEvaluation*'
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
}
