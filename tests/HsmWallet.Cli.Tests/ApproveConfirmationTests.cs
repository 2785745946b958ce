using System.Text.Json.Nodes;
using HsmWallet.Cli.Tests.Support;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Vault;

namespace HsmWallet.Cli.Tests;

/// <summary>
/// `hsmwallet approve ID` approves only what a person read and confirmed: on a terminal the summary is shown and a
/// typed "yes" approves; a script must say --yes; without either the request stays pending.
/// </summary>
public sealed class ApproveConfirmationTests : IDisposable
{
    private const string AmountLine = "Amount: 20000 XRP (20000000000 drops)";

    private readonly VaultHome _home = new();
    private readonly ApprovalStore _store;
    private readonly PendingApproval _request;

    public ApproveConfirmationTests()
    {
        _home.RunOk(null, "init", "--unlocker", "keyfile");
        _store = new ApprovalStore(WalletHome.At(_home.Home));
        _request = _store.Create("binding-1", new ApprovalSummary("Sign Payment on testnet with wallet main", [AmountLine, "Destination: rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe"], [], []));
    }

    public void Dispose() => _home.Dispose();

    private ApprovalState State() => _store.Get(_request.Id).State;

    [Fact]
    public void Without_a_terminal_and_without_yes_approve_is_refused_and_the_request_stays_pending()
    {
        var result = _home.Run("yes\n", "approve", _request.Id);

        Assert.Equal(2, result.ExitCode);
        var error = VaultHome.Error(result);
        Assert.Equal("invalid_input", (string)error["code"]!);
        Assert.StartsWith("--yes:", (string)error["message"]!, StringComparison.Ordinal);
        Assert.Contains("not a terminal", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(ApprovalState.Pending, State());
    }

    [Fact]
    public void With_yes_a_script_approves_and_still_sees_the_summary()
    {
        var result = CliProcess.Run(null, "approve", _request.Id, "--yes", "--home", _home.Home);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(AmountLine, result.Stderr, StringComparison.Ordinal);
        Assert.Equal(ApprovalState.Approved, State());
    }

    [Theory]
    [InlineData("no\n")]
    [InlineData("y\n")]
    [InlineData("\n")]
    public void On_a_terminal_anything_but_a_typed_yes_leaves_the_request_pending(string typed)
    {
        var result = TerminalProcess.Run(typed, "approve", _request.Id, "--home", _home.Home);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(AmountLine, result.Stdout, StringComparison.Ordinal);
        Assert.Contains("stays pending", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(ApprovalState.Pending, State());
    }

    [Fact]
    public void On_a_terminal_the_summary_is_shown_first_and_a_typed_yes_approves()
    {
        var result = TerminalProcess.Run("yes\n", "approve", _request.Id, "--home", _home.Home);

        Assert.Equal(0, result.ExitCode);
        var screen = result.Stdout;
        Assert.True(screen.IndexOf(AmountLine, StringComparison.Ordinal) < screen.IndexOf("Type yes", StringComparison.Ordinal), screen);
        Assert.Equal(ApprovalState.Approved, State());
    }

    [Fact]
    public void Approve_list_shows_line_separators_and_bidi_controls_as_code_points()
    {
        var forged = _store.Create("binding-2", new ApprovalSummary(
            "Sign Payment on testnet with wallet main",
            ["Amount: 1 XRP (1000000 drops)"],
            [],
            ["memo: \"thanks\u2028Amount: 1 XRP\u202E\""]));

        // A record edited on disk is shown the same way: the store's reader makes it visible again.
        var file = Path.Combine(_home.Home, "approvals", forged.Id + ".json");
        var record = JsonNode.Parse(File.ReadAllText(file))!;
        record["summary"]!["warnings"] = new JsonArray("edited\u2066 on disk\u2029Amount: 1 XRP");
        File.WriteAllText(file, record.ToJsonString());

        var result = CliProcess.Run(null, "approve", "list", "--home", _home.Home);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(-1, result.Stderr.AsSpan().IndexOfAny("\u2028\u2029\u202E\u2066"));
        Assert.Contains("thanks<U+2028>", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("<U+202E>", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("edited<U+2066> on disk<U+2029>Amount: 1 XRP", result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.Split('\n'), line => line.Contains(forged.Id, StringComparison.Ordinal));
    }
}
