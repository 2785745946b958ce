using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using HsmWallet.Core.Audit;

namespace HsmWallet.Bench;

/// <summary>
/// Audit append latency with fsync, one append per measurement so the percentiles are per append.
/// Run: dotnet run -c Release --project bench/HsmWallet.Bench -- --filter '*AuditAppend*'
/// </summary>
[Config(typeof(AuditAppendBenchmarks.PerAppendConfig))]
public class AuditAppendBenchmarks
{
    private readonly byte[] key = RandomNumberGenerator.GetBytes(32);
    private string folder = string.Empty;
    private AuditWriter? writer;
    private int n;

    [GlobalSetup]
    public void Setup()
    {
        folder = Path.Combine(Environment.GetEnvironmentVariable("AUDIT_BENCH_DIR") ?? Path.GetTempPath(), "hsmwallet-bench-append-" + Guid.NewGuid().ToString("N"));
        writer = new AuditWriter(folder, key);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        writer?.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Benchmark(Description = "AuditWriter.Append (fsync log + atomic head)")]
    public AuditEntry Append() => writer!.Append(AuditLogGenerator.Event(n++));

    private sealed class PerAppendConfig : ManualConfig
    {
        public PerAppendConfig()
        {
            AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(20)
                .WithIterationCount(1000).WithInvocationCount(1).WithUnrollFactor(1));
            AddColumn(StatisticColumn.Median, StatisticColumn.P95, new PercentileColumn(99));
        }
    }
}

/// <summary>
/// Verification throughput over a 200,000-entry log; time per operation is time per entry.
/// Run: dotnet run -c Release --project bench/HsmWallet.Bench -- --filter '*AuditVerify*'
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 10)]
public class AuditVerifyBenchmarks
{
    private const int Entries = 200_000;
    private readonly byte[] key = RandomNumberGenerator.GetBytes(32);
    private string folder = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        folder = Path.Combine(Environment.GetEnvironmentVariable("AUDIT_BENCH_DIR") ?? Path.GetTempPath(), "hsmwallet-bench-verify-" + Guid.NewGuid().ToString("N"));
        AuditLogGenerator.Generate(folder, key, Entries);
        var check = AuditVerifier.Verify(folder, key);
        if (!check.Ok || check.Entries != Entries)
        {
            throw new InvalidOperationException("the generated log does not verify: " + check.ToJson().ToJsonString());
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(folder, recursive: true);

    [Benchmark(Description = "AuditVerifier.Verify per entry", OperationsPerInvoke = Entries)]
    public bool Verify() => AuditVerifier.Verify(folder, key).Ok;
}

/// <summary>Builds a valid log straight from the documented format (docs/audit.md), without fsync per entry.</summary>
internal static class AuditLogGenerator
{
    public static AuditEvent Event(int n) => new(
        AuditEventType.TransactionSign,
        "tx_sign",
        "c0ffee00-0000-4000-8000-" + n.ToString("D12", CultureInfo.InvariantCulture),
        new AuditActor(AuditActorType.User, "mcp-client"),
        "tx_sign",
        new JsonObject
        {
            ["wallet"] = "treasury",
            ["tx"] = new JsonObject
            {
                ["TransactionType"] = "Payment",
                ["Account"] = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe",
                ["Destination"] = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh",
                ["Amount"] = "1000000",
                ["Fee"] = "12",
            },
        },
        AuditResult.Success);

    public static void Generate(string folder, byte[] key, int count)
    {
        Directory.CreateDirectory(folder);
        using var hmac = new HMACSHA256(key);
        var previous = AuditEntry.GenesisHash;
        var file = 1;
        var output = Open(folder, file);
        var start = new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);
        for (var i = 1; i <= count; i++)
        {
            var auditEvent = Event(i);
            var entry = new AuditEntry(
                Guid.NewGuid(), i, AuditEntry.FormatTimestamp(start.AddMilliseconds(i)), auditEvent.EventType, auditEvent.ToolName,
                auditEvent.CorrelationId, auditEvent.Actor,
                new AuditOperation(auditEvent.OperationName, AuditSanitizer.SanitizeParameters(auditEvent.Parameters), auditEvent.Result),
                previous, string.Empty);
            var json = entry.ToJson(includeHash: false);
            var hash = Convert.ToHexStringLower(hmac.ComputeHash(JsonCanonicalizer.Serialize(json)));
            json["hash"] = hash;
            var line = JsonCanonicalizer.Serialize(json);
            if (output.Length + line.Length + 1 > 16L * 1024 * 1024)
            {
                output.Dispose();
                output = Open(folder, ++file);
            }

            output.Write(line);
            output.WriteByte((byte)'\n');
            previous = hash;
        }

        output.Dispose();
        var head = new JsonObject { ["kind"] = "hsmwallet.audit.head", ["version"] = 1, ["sequence"] = count, ["hash"] = previous };
        head["mac"] = Convert.ToHexStringLower(hmac.ComputeHash(JsonCanonicalizer.Serialize(head)));
        File.WriteAllBytes(Path.Combine(folder, "head.json"), [.. JsonCanonicalizer.Serialize(head), (byte)'\n']);
    }

    private static FileStream Open(string folder, int number) =>
        new(Path.Combine(folder, "audit-" + number.ToString("D6", CultureInfo.InvariantCulture) + ".jsonl"), FileMode.Create, FileAccess.Write);
}
