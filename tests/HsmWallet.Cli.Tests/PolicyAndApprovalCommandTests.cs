using HsmWallet.Cli.Tests.Support;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Vault;

namespace HsmWallet.Cli.Tests;

/// <summary>The operator's policy and approval verbs, as separate processes against one home.</summary>
public sealed class PolicyAndApprovalCommandTests : IDisposable
{
    private readonly VaultHome _home = new();

    public PolicyAndApprovalCommandTests() => _home.RunOk(null, "init", "--unlocker", "keyfile");

    public void Dispose() => _home.Dispose();

    private string PolicyFileWith(string testnetPerTransaction)
    {
        var text = PolicyDocument.Default.CanonicalJson.Replace("\"10000\"", $"\"{testnetPerTransaction}\"", StringComparison.Ordinal);
        var path = Path.Combine(_home.Scratch, $"policy-{testnetPerTransaction}.json");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void With_no_policy_set_show_reports_the_built_in_defaults_as_trusted()
    {
        var shown = _home.RunOk(null, "policy", "show");

        Assert.True((bool)shown["trusted"]!);
        Assert.Equal("built-in defaults", (string)shown["source"]!);
        Assert.Equal(PolicyDocument.Default.Sha256, (string)shown["sha256"]!);
    }

    [Fact]
    public void Set_validates_shows_the_changes_and_records_the_hash_so_show_trusts_it()
    {
        var set = _home.RunOk(null, "policy", "set", PolicyFileWith("250"));

        Assert.Contains(set["changes"]!.AsArray(), change => ((string)change!).Contains("250", StringComparison.Ordinal));
        var shown = _home.RunOk(null, "policy", "show");
        Assert.True((bool)shown["trusted"]!);
        Assert.Equal((string)set["sha256"]!, (string)shown["sha256"]!);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_home.Home, "policy.json")));
    }

    [Fact]
    public void A_hand_edited_policy_file_is_reported_untrusted_until_set_again()
    {
        _home.RunOk(null, "policy", "set", PolicyFileWith("250"));
        var policyPath = Path.Combine(_home.Home, "policy.json");
        File.WriteAllText(policyPath, File.ReadAllText(policyPath).Replace("\"250\"", "\"999999\"", StringComparison.Ordinal));

        var shown = _home.RunOk(null, "policy", "show");

        Assert.False((bool)shown["trusted"]!);
        Assert.Contains("hsmwallet policy set", (string)shown["problem"]!, StringComparison.Ordinal);
        _home.RunOk(null, "policy", "set", policyPath);
        Assert.True((bool)_home.RunOk(null, "policy", "show")["trusted"]!);
    }

    [Fact]
    public void An_invalid_policy_is_refused_naming_the_field_and_leaves_the_policy_as_it_was()
    {
        _home.RunOk(null, "policy", "set", PolicyFileWith("250"));
        var before = File.ReadAllBytes(Path.Combine(_home.Home, "policy.json"));
        var bad = Path.Combine(_home.Scratch, "bad.json");
        File.WriteAllText(bad, PolicyDocument.Default.CanonicalJson.Replace("\"10000\"", "\"ten\"", StringComparison.Ordinal));

        var result = _home.Run(null, "policy", "set", bad);

        Assert.Equal(2, result.ExitCode);
        var error = VaultHome.Error(result);
        Assert.Equal("invalid_input", (string)error["code"]!);
        Assert.Contains("max_per_transaction", (string)error["message"]!, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(_home.Home, "policy.json")));
    }

    [Fact]
    public void The_operator_lists_approves_and_denies_pending_requests_by_id()
    {
        var store = new ApprovalStore(WalletHome.At(_home.Home));
        var summary = new ApprovalSummary("Sign Payment on testnet with wallet main", ["Amount: 20000 XRP (20000000000 drops)"], ["over the per-transaction limit"], []);
        var first = store.Create("binding-1", summary);
        var second = store.Create("binding-2", summary);

        var listed = _home.RunOk(null, "approve", "list");
        var approved = _home.RunOk(null, "approve", first.Id, "--yes");
        var denied = _home.RunOk(null, "approve", "deny", second.Id);

        Assert.Equal([first.Id, second.Id], listed["pending"]!.AsArray().Select(item => (string)item!["id"]!));
        Assert.Equal("approved", (string)approved["state"]!);
        Assert.Equal("denied", (string)denied["state"]!);
        Assert.Equal("binding-1", store.Redeem(first.Id, "binding-1").Binding);
        Assert.Equal("approval_declined", Assert.Throws<ApprovalException>(() => store.Redeem(second.Id, "binding-2")).Code);
        Assert.Empty(_home.RunOk(null, "approve", "list")["pending"]!.AsArray());
    }

    [Fact]
    public void Approving_shows_the_summary_before_deciding()
    {
        var store = new ApprovalStore(WalletHome.At(_home.Home));
        var request = store.Create("binding-1", new ApprovalSummary("Sign Payment on testnet with wallet main", ["Destination: rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe"], [], []));

        var result = CliProcess.Run(null, "approve", request.Id, "--yes", "--home", _home.Home);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Destination: rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_or_malformed_approval_id_is_bad_input()
    {
        Assert.Equal(2, _home.Run(null, "approve", "apv_0000000000000000", "--yes").ExitCode);
        var malformed = _home.Run(null, "approve", "../vault", "--yes");
        Assert.Equal(2, malformed.ExitCode);
        Assert.StartsWith("approval_id:", (string)VaultHome.Error(malformed)["message"]!, StringComparison.Ordinal);
    }
}
