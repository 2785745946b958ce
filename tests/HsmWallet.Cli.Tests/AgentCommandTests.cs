using System.Security.Cryptography;
using System.Text;
using HsmWallet.Cli.Tests.Support;

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

    [Fact]
    public void Add_with_an_OAuth_subject_prints_no_token_keeps_the_subject_and_refuses_it_twice_or_malformed()
    {
        var added = _home.RunOk(null, "agent", "add", "robot", "--oauth-subject", "client-7f3a", "--wallets", "alpha");
        var file = Path.Combine(_home.Home, "agents.json");
        var content = File.ReadAllText(file);

        Assert.Null(added["token"]);
        Assert.Null(added["shown_once"]);
        Assert.DoesNotContain("hwa_", added.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("client-7f3a", (string)added["oauth_subject"]!);
        Assert.Equal(["alpha"], added["wallets"]!.AsArray().Select(wallet => (string)wallet!));
        Assert.Contains("\"oauth_subject\":\"client-7f3a\"", content, StringComparison.Ordinal);
        Assert.DoesNotContain("token_sha256", content, StringComparison.Ordinal);
        Assert.Equal("client-7f3a", (string)Assert.Single(_home.RunOk(null, "agent", "list")["agents"]!.AsArray())!["oauth_subject"]!);

        var twice = _home.Run(null, "agent", "add", "robot2", "--oauth-subject", "client-7f3a");
        var spaced = _home.Run(null, "agent", "add", "robot3", "--oauth-subject", "client 7f3a");
        Assert.Equal(2, twice.ExitCode);
        Assert.Contains("--oauth-subject", twice.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, spaced.ExitCode);
        Assert.Contains("--oauth-subject", spaced.Stdout, StringComparison.Ordinal);

        // Once revoked, the subject may be bound again (a new agent name), and a token agent still sits beside it.
        _home.RunOk(null, "agent", "revoke", "robot");
        _home.RunOk(null, "agent", "add", "robot2", "--oauth-subject", "client-7f3a");
        Assert.StartsWith("hwa_", (string)_home.RunOk(null, "agent", "add", "bot")["token"]!, StringComparison.Ordinal);
        Assert.Equal(3, _home.RunOk(null, "agent", "list")["agents"]!.AsArray().Count);
    }
}
