using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Tests.Support;
using HsmWallet.Core.Policy;

namespace HsmWallet.Cli.Tests;

/// <summary>`hsmwallet agent add|list|revoke`: a token printed once, a file holding only its hash, revocation kept.</summary>
public sealed class AgentCommandTests : IDisposable
{
    private readonly VaultHome _home = new();

    public AgentCommandTests() => _home.RunOk(null, "init", "--unlocker", "keyfile");

    public void Dispose() => _home.Dispose();

    [Fact]
    public void Add_prints_the_token_once_and_the_agents_file_holds_only_its_SHA256_owner_only()
    {
        var added = _home.RunOk(null, "agent", "add", "bot", "--wallets", "alpha,beta");
        var token = (string)added["token"]!;
        var file = Path.Combine(_home.Home, "agents.json");
        var content = File.ReadAllText(file);

        Assert.StartsWith("hwa_", token, StringComparison.Ordinal);
        Assert.True(token.Length >= 4 + 43);
        Assert.DoesNotContain(token, content, StringComparison.Ordinal);
        Assert.DoesNotContain(token[4..], content, StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token))), content, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.DoesNotContain(Directory.GetFiles(_home.Home, "*", SearchOption.AllDirectories), path => File.ReadAllText(path).Contains(token[4..], StringComparison.Ordinal));

        var listed = _home.RunOk(null, "agent", "list");
        var agent = Assert.Single(listed["agents"]!.AsArray());
        Assert.Equal("bot", (string)agent!["name"]!);
        Assert.Equal(["alpha", "beta"], agent["wallets"]!.AsArray().Select(wallet => (string)wallet!));
        Assert.Null(agent["token"]);
        Assert.DoesNotContain(token, listed.ToJsonString(), StringComparison.Ordinal);

        var second = _home.RunOk(null, "agent", "add", "other");
        Assert.NotEqual(token, (string)second["token"]!);
        Assert.Equal("all", (string)second["wallets"]!);
    }

    [Fact]
    public void Revoke_marks_the_agent_revoked_and_adding_its_name_again_is_refused()
    {
        _home.RunOk(null, "agent", "add", "bot");

        var revoked = _home.RunOk(null, "agent", "revoke", "bot");
        var again = _home.Run(null, "agent", "add", "bot");
        var unknown = _home.Run(null, "agent", "revoke", "nobody");

        Assert.True((bool)revoked["revoked"]!);
        Assert.True((bool)Assert.Single(_home.RunOk(null, "agent", "list")["agents"]!.AsArray())!["revoked"]!);
        Assert.Equal(2, again.ExitCode);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("name", unknown.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_agent_name_or_wallet_list_is_bad_input_naming_the_field()
    {
        var name = _home.Run(null, "agent", "add", "../bot");
        var wallets = _home.Run(null, "agent", "add", "bot", "--wallets", "a,,b");

        Assert.Equal(2, name.ExitCode);
        Assert.Contains("name", name.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, wallets.ExitCode);
        Assert.Contains("--wallets", wallets.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_home.Home, "agents.json")));
    }

    private string PolicyFile(string name, string rules)
    {
        var path = Path.Combine(_home.Scratch, name + ".json");
        File.WriteAllText(path, "{ \"version\": 1, \"networks\": { \"testnet\": { \"default\": " + rules + " } } }");
        return path;
    }

    private IReadOnlyList<JsonObject> AuditEntries(string eventType) =>
        [.. Directory.GetFiles(Path.Combine(_home.Home, "audit"), "audit-*.jsonl").Order(StringComparer.Ordinal)
            .SelectMany(File.ReadAllLines).Where(line => line.Length > 0).Select(line => JsonNode.Parse(line)!.AsObject())
            .Where(entry => (string?)entry["eventType"] == eventType)];

    [Fact]
    public void Add_with_a_policy_keeps_its_section_owner_only_in_canonical_form_with_its_hash_in_the_agents_entry()
    {
        var source = PolicyFile("bot", """{ "max_daily_volume": { "XRP": "50.0" } }""");
        var expected = PolicyDocument.Parse(File.ReadAllText(source));

        var added = _home.RunOk(null, "agent", "add", "bot", "--policy", source);

        var section = Path.Combine(_home.Home, "agents", "bot.policy.json");
        Assert.Equal(expected.Sha256, (string)added["policy_sha256"]!);
        Assert.Equal(expected.CanonicalJson, File.ReadAllText(section));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(section));
        Assert.Contains(expected.Sha256, File.ReadAllText(Path.Combine(_home.Home, "agents.json")), StringComparison.Ordinal);
        var listed = Assert.Single(_home.RunOk(null, "agent", "list")["agents"]!.AsArray());
        Assert.Equal(expected.Sha256, (string)listed!["policy_sha256"]!);
        var other = _home.RunOk(null, "agent", "add", "other");
        Assert.Null(other["policy_sha256"]);
    }

    [Fact]
    public void A_bad_section_is_refused_naming_the_field_as_policy_set_does_and_adds_no_agent()
    {
        var source = PolicyFile("bad", """{ "max_daily_volume": { "XRP": "lots" } }""");

        var refused = _home.Run(null, "agent", "add", "bot", "--policy", source);
        var asPolicySet = _home.Run(null, "policy", "set", source);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("networks.testnet.default.max_daily_volume.XRP", refused.Stdout, StringComparison.Ordinal);
        Assert.Equal((string)VaultHome.Error(asPolicySet)["message"]!, (string)VaultHome.Error(refused)["message"]!);
        Assert.False(File.Exists(Path.Combine(_home.Home, "agents.json")));
        Assert.False(Directory.Exists(Path.Combine(_home.Home, "agents")));
    }

    [Fact]
    public void Agent_policy_sets_replaces_and_clears_a_section_each_change_audited()
    {
        _home.RunOk(null, "agent", "add", "bot");
        var first = PolicyDocument.Parse(File.ReadAllText(PolicyFile("one", """{ "max_per_transaction": { "XRP": "5" } }""")));
        var second = PolicyDocument.Parse(File.ReadAllText(PolicyFile("two", """{ "blocked_transaction_types": ["Payment"] }""")));
        var section = Path.Combine(_home.Home, "agents", "bot.policy.json");

        var set = _home.RunOk(null, "agent", "policy", "bot", Path.Combine(_home.Scratch, "one.json"));
        Assert.Equal(first.Sha256, (string)set["policy_sha256"]!);
        Assert.Equal(section, (string)set["policy_path"]!);
        var replaced = _home.RunOk("""{"version":1,"networks":{"testnet":{"default":{"blocked_transaction_types":["Payment"]}}}}""", "agent", "policy", "bot", "-");
        Assert.Equal(second.Sha256, (string)replaced["policy_sha256"]!);
        Assert.Equal(second.CanonicalJson, File.ReadAllText(section));
        var cleared = _home.RunOk(null, "agent", "policy", "bot", "--clear");
        Assert.Null(cleared["policy_sha256"]);
        Assert.False(File.Exists(section));
        Assert.Null(Assert.Single(_home.RunOk(null, "agent", "list")["agents"]!.AsArray())!["policy_sha256"]);

        var changes = AuditEntries("policy.change").Where(entry => (string?)entry["operation"]!["result"] == "success").ToList();
        Assert.Equal(3, changes.Count);
        Assert.All(changes, entry => Assert.Equal("hsmwallet agent policy", (string?)entry["toolName"]));
        Assert.Equal([first.Sha256, second.Sha256, null], changes.Select(entry => (string?)entry["operation"]!["parameters"]!["outcome"]?["policy_sha256"]));
    }

    [Fact]
    public void Agent_policy_refuses_neither_or_both_of_FILE_and_clear_an_unknown_agent_and_a_revoked_one()
    {
        var file = PolicyFile("one", """{ "max_per_transaction": { "XRP": "5" } }""");
        _home.RunOk(null, "agent", "add", "bot");
        _home.RunOk(null, "agent", "add", "gone");
        _home.RunOk(null, "agent", "revoke", "gone");

        var neither = _home.Run(null, "agent", "policy", "bot");
        var both = _home.Run(null, "agent", "policy", "bot", file, "--clear");
        var unknown = _home.Run(null, "agent", "policy", "nobody", file);
        var revoked = _home.Run(null, "agent", "policy", "gone", file);

        foreach (var (result, field) in new[] { (neither, "FILE"), (both, "FILE"), (unknown, "name"), (revoked, "name") })
        {
            Assert.Equal(2, result.ExitCode);
            Assert.StartsWith(field, (string)VaultHome.Error(result)["message"]!, StringComparison.Ordinal);
        }

        Assert.False(File.Exists(Path.Combine(_home.Home, "agents", "gone.policy.json")));
        Assert.False(File.Exists(Path.Combine(_home.Home, "agents", "nobody.policy.json")));
    }

    [Fact]
    public void Add_with_an_OAuth_subject_prints_no_token_keeps_the_subject_and_refuses_it_twice_or_malformed()
    {
        const string Issuer = "https://auth.example/realms/ops";
        var added = _home.RunOk(null, "agent", "add", "robot", "--oauth-subject", "client-7f3a", "--oauth-issuer", Issuer, "--wallets", "alpha");
        var file = Path.Combine(_home.Home, "agents.json");
        var content = File.ReadAllText(file);

        Assert.Null(added["token"]);
        Assert.Null(added["shown_once"]);
        Assert.DoesNotContain("hwa_", added.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("client-7f3a", (string)added["oauth_subject"]!);
        Assert.Equal(Issuer, (string)added["oauth_issuer"]!);
        Assert.Contains("\"oauth_issuer\":\"https://auth.example/realms/ops\"", content, StringComparison.Ordinal);
        Assert.Equal(["alpha"], added["wallets"]!.AsArray().Select(wallet => (string)wallet!));
        Assert.Contains("\"oauth_subject\":\"client-7f3a\"", content, StringComparison.Ordinal);
        Assert.DoesNotContain("token_sha256", content, StringComparison.Ordinal);
        Assert.Equal("client-7f3a", (string)Assert.Single(_home.RunOk(null, "agent", "list")["agents"]!.AsArray())!["oauth_subject"]!);

        var twice = _home.Run(null, "agent", "add", "robot2", "--oauth-subject", "client-7f3a", "--oauth-issuer", Issuer);
        var spaced = _home.Run(null, "agent", "add", "robot3", "--oauth-subject", "client 7f3a", "--oauth-issuer", Issuer);
        Assert.Equal(2, twice.ExitCode);
        Assert.Contains("--oauth-subject", twice.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, spaced.ExitCode);
        Assert.Contains("--oauth-subject", spaced.Stdout, StringComparison.Ordinal);

        // No default issuer: the operator names it, as an https URL (http on loopback only); not without a subject.
        var refusals = new[]
        {
            _home.Run(null, "agent", "add", "robot4", "--oauth-subject", "client-9"),
            _home.Run(null, "agent", "add", "robot4", "--oauth-subject", "client-9", "--oauth-issuer", "http://auth.example/realms/ops"),
            _home.Run(null, "agent", "add", "robot4", "--oauth-subject", "client-9", "--oauth-issuer", "https://auth.example/?tenant=1"),
            _home.Run(null, "agent", "add", "robot4", "--oauth-issuer", Issuer),
        };
        foreach (var refused in refusals)
        {
            Assert.Equal(2, refused.ExitCode);
            Assert.StartsWith("--oauth-issuer", (string)VaultHome.Error(refused)["message"]!, StringComparison.Ordinal);
        }

        // The same sub at another issuer is another principal: it may be bound to another agent.
        _home.RunOk(null, "agent", "add", "robot-other", "--oauth-subject", "client-7f3a", "--oauth-issuer", "https://other.example");

        // Once revoked, the subject may be bound again (a new agent name), and a token agent still sits beside it.
        _home.RunOk(null, "agent", "revoke", "robot");
        _home.RunOk(null, "agent", "add", "robot2", "--oauth-subject", "client-7f3a", "--oauth-issuer", Issuer);
        Assert.StartsWith("hwa_", (string)_home.RunOk(null, "agent", "add", "bot")["token"]!, StringComparison.Ordinal);
        Assert.Equal(4, _home.RunOk(null, "agent", "list")["agents"]!.AsArray().Count);
    }
}
