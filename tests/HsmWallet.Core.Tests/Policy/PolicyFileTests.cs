using HsmWallet.Core.Audit;
using HsmWallet.Core.Policy;
using static HsmWallet.Core.Tests.Policy.PolicyTestData;

namespace HsmWallet.Core.Tests.Policy;

public sealed class PolicyFileTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "hsmwallet-policy-" + Guid.NewGuid().ToString("N"));
    private AuditWriter? _audit;

    private string PolicyPath => Path.Combine(_home, "policy.json");

    private string CountersPath => Path.Combine(_home, "state", "policy-counters.json");

    [Fact]
    public void A_saved_policy_loads_when_its_hash_matches_the_recorded_one()
    {
        var document = Document("""{"max_fee":"1"}""");
        PolicyFile.Save(PolicyPath, document);

        var loaded = PolicyFile.Load(PolicyPath, document.Sha256);

        Assert.Null(loaded.Problem);
        Assert.Equal(document.CanonicalJson, loaded.Document!.CanonicalJson);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(PolicyPath));
    }

    [Fact]
    public void A_hand_edited_policy_file_denies_everything()
    {
        var document = Document("""{"max_per_transaction":{"XRP":"1"}}""");
        PolicyFile.Save(PolicyPath, document);
        File.WriteAllText(PolicyPath, File.ReadAllText(PolicyPath).Replace("\"1\"", "\"1000000\"", StringComparison.Ordinal));

        var engine = new PolicyEngine(PolicyFile.Load(PolicyPath, document.Sha256), PolicyCounters.InMemory(), Clock());
        var decision = engine.Evaluate("testnet", Wallet, Payment(1));

        Assert.Equal(PolicyDecisionKind.Deny, decision.Kind);
        Assert.Equal(PolicyFile.HashMismatchMessage, Assert.Single(decision.Reasons).Message);
    }

    [Fact]
    public void A_policy_file_others_can_read_is_refused()
    {
        var document = Document("{}");
        PolicyFile.Save(PolicyPath, document);
        File.SetUnixFileMode(PolicyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var loaded = PolicyFile.Load(PolicyPath, document.Sha256);

        Assert.Null(loaded.Document);
        Assert.Contains("0600", loaded.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void No_file_and_no_recorded_hash_means_the_built_in_defaults()
    {
        Assert.Equal(PolicyDocument.Default.Sha256, PolicyFile.Load(PolicyPath, null).Document!.Sha256);
        Assert.NotNull(PolicyFile.Load(PolicyPath, new string('0', 64)).Problem);
    }

    [Fact]
    public void Counters_survive_a_restart()
    {
        var clock = Clock();
        var document = Document("""{"max_daily_volume":{"XRP":"10"},"max_transactions_per_day":5}""");
        new PolicyEngine(PolicyFile.Trusted(document), PolicyCounters.Load(CountersPath, Seal), clock)
            .RecordSigned("testnet", Wallet, Payment(9_999_980));

        clock.Now += TimeSpan.FromHours(2);
        var restarted = new PolicyEngine(PolicyFile.Trusted(document), PolicyCounters.Load(CountersPath, Seal), clock);

        Assert.Equal(PolicyDecisionKind.Allow, restarted.Evaluate("testnet", Wallet, Payment(0, fee: 10)).Kind);
        Assert.Equal(PolicyDecisionKind.Approve, restarted.Evaluate("testnet", Wallet, Payment(1)).Kind);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(CountersPath));
    }

    [Fact]
    public void Two_processes_sharing_the_counters_file_see_each_others_signatures()
    {
        var clock = Clock();
        var document = Document("""{"max_transactions_per_hour":2}""");
        var cli = new PolicyEngine(PolicyFile.Trusted(document), PolicyCounters.Load(CountersPath, Seal), clock);
        var server = new PolicyEngine(PolicyFile.Trusted(document), PolicyCounters.Load(CountersPath, Seal), clock);

        cli.RecordSigned("testnet", Wallet, Payment(1));
        server.RecordSigned("testnet", Wallet, Payment(1));

        Assert.Equal(PolicyDecisionKind.Deny, cli.Evaluate("testnet", Wallet, Payment(1)).Kind);
        Assert.Equal(PolicyDecisionKind.Deny, server.Evaluate("testnet", Wallet, Payment(1)).Kind);
    }

    [Fact]
    public void A_corrupt_counters_file_denies_everything()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(CountersPath)!);
        File.WriteAllText(CountersPath, "{\"version\":1,\"entries\":[{\"at\":\"x\"}]}");
        File.SetUnixFileMode(CountersPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var engine = new PolicyEngine(PolicyFile.Trusted(Document("{}")), PolicyCounters.Load(CountersPath, Seal), Clock());

        Assert.Equal("policy_counters", Assert.Single(engine.Evaluate("testnet", Wallet, Payment(1)).Reasons).Rule);
        Assert.Throws<InvalidInputException>(() => engine.RecordSigned("testnet", Wallet, Payment(1)));
        Assert.Contains("\"x\"", File.ReadAllText(CountersPath), StringComparison.Ordinal);
    }

    private StateSeal Seal => (_audit ??= new AuditWriter(Path.Combine(_home, "audit"), new byte[32])).StateSeal;

    public void Dispose()
    {
        _audit?.Dispose();
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }
}
