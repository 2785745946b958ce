using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using HsmWallet.Core.Ledger;
using HsmWallet.Core.Tests.Fixtures;
using HsmWallet.Core.Xrpl.Keys;
using HsmWallet.Core.Xrpl.Transactions;

namespace HsmWallet.Bench;

/// <summary>
/// Submit-and-wait latency, from submit to reporting the validated result, against the loopback
/// stand-in whose ledgers close every 500 ms (target: median at most 600 ms). One submit per
/// measurement, following ledger closes over the WebSocket subscription.
/// Run: dotnet run -c Release --project bench/HsmWallet.Bench -- --filter '*LedgerSubmitAndWait*'
/// </summary>
[Config(typeof(PerSubmitConfig))]
public class LedgerSubmitAndWaitBenchmarks
{
    private RippledStandIn standIn = null!;
    private LedgerClient client = null!;
    private TransactionSubmitter submitter = null!;
    private XrplSigningKey key = null!;
    private uint sequence = 1;

    [GlobalSetup]
    public void Setup()
    {
        standIn = RippledStandIn.Start(TimeSpan.FromMilliseconds(500));
        using var seed = DecodedSeed.FromEntropy(Enumerable.Repeat((byte)7, 16).ToArray(), KeyType.Ed25519);
        key = XrplSigningKey.FromSeed(seed);
        standIn.Fund(key.AccountId, 100_000_000_000);
        client = new LedgerClient(standIn.Network());
        submitter = new TransactionSubmitter(client);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        client.Dispose();
        key.Dispose();
        standIn.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Description = "Submit and wait for validation (500 ms ledgers, WebSocket)")]
    public async Task<SubmissionResult> SubmitAndWait()
    {
        var tx = new System.Text.Json.Nodes.JsonObject
        {
            ["TransactionType"] = "Payment",
            ["Account"] = key.AccountId.ToClassicAddress(),
            ["Destination"] = "rrrrrrrrrrrrrrrrrrrrBZbvji",
            ["Amount"] = "1000",
            ["Fee"] = "10",
            ["Sequence"] = sequence++,
            ["LastLedgerSequence"] = standIn.CurrentLedgerIndex + 20,
        };
        var blob = TransactionSigner.Sign(tx, key).TxBlob;
        var result = await submitter.SubmitAsync(blob, wait: true, CancellationToken.None).ConfigureAwait(false);
        return result.Succeeded ? result : throw new InvalidOperationException("not validated: " + result.TransactionResult);
    }

    private sealed class PerSubmitConfig : ManualConfig
    {
        public PerSubmitConfig()
        {
            AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(3)
                .WithIterationCount(60).WithInvocationCount(1).WithUnrollFactor(1));
            AddColumn(StatisticColumn.Median, StatisticColumn.P95, new PercentileColumn(99));
        }
    }
}
