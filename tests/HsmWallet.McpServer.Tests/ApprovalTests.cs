using System.Text.Json.Nodes;
using HsmWallet.McpServer.Tests.Support;
using ModelContextProtocol.Protocol;

namespace HsmWallet.McpServer.Tests;

/// <summary>
/// Approvals the agent cannot forge: by elicitation when the client can ask its person, else pending until the
/// operator approves with the CLI's store; bound to the exact transaction, expiring, used once.
/// </summary>
public sealed class ApprovalTests
{
    private const string Destination = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe";
    private const string NeedsApproval = """{"version":1,"networks":{"testnet":{"default":{"new_destination_requires_approval":true}}}}""";

    private static TestServerSetup Setup(Func<ElicitRequestParams, ElicitResult>? elicit = null, TimeProvider? time = null) =>
        TestServerSetup.KeyFileVault(NeedsApproval) with { Elicit = elicit, Time = time };

    private static object Payment(string amount = "1500000") =>
        new { TransactionType = "Payment", Destination, Amount = amount, Fee = "12", Sequence = 1, LastLedgerSequence = 5000, DestinationTag = 7 };

    private static object SignArguments(string? approvalId = null, string amount = "1500000") => approvalId is null
        ? new { wallet = "payer", tx = Payment(amount), autofill = false }
        : new { wallet = "payer", tx = Payment(amount), autofill = false, approval_id = approvalId };

    private static int Signed(TestServer server) =>
        server.AuditEntries("transaction.sign").Count(entry => entry["operation"]!["result"]!.GetValue<string>() == "success");

    [Fact]
    public async Task Elicitation_shows_the_transaction_in_words_and_signs_when_the_person_accepts()
    {
        ElicitRequestParams? asked = null;
        await using var server = await TestServer.StartAsync(Setup(request =>
        {
            asked = request;
            return Approvals.Accept();
        }));
        await server.OkAsync("wallet_create", new { name = "payer" });
        var signed = await server.OkAsync("tx_sign", SignArguments());
        Assert.Equal("approve", signed["decision"]!.GetValue<string>());
        Assert.Contains(Destination, asked!.Message, StringComparison.Ordinal);
        Assert.Contains("1.5 XRP", asked.Message, StringComparison.Ordinal);
        Assert.Contains("testnet", asked.Message, StringComparison.Ordinal);
        Assert.Contains("approve", asked.RequestedSchema!.Properties.Keys);
        var entry = Assert.Single(server.AuditEntries("transaction.sign"), entry => entry["operation"]!["result"]!.GetValue<string>() == "success");
        Assert.Equal("elicitation", entry["operation"]!["parameters"]!["approved_via"]!.GetValue<string>());
    }

    public static TheoryData<string> Refusals() => ["decline", "cancel", "accept-unticked"];

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Elicitation_declined_cancelled_or_unticked_signs_nothing(string answer)
    {
        await using var server = await TestServer.StartAsync(Setup(_ => answer switch
        {
            "decline" => Approvals.Decline(),
            "cancel" => Approvals.Cancel(),
            _ => Approvals.Accept(approve: false),
        }));
        await server.OkAsync("wallet_create", new { name = "payer" });
        var unlocks = server.Unlocks.Unwraps;
        await server.ErrorAsync("tx_sign", SignArguments(), "approval_declined");
        Assert.Equal(0, Signed(server));
        Assert.Equal(unlocks, server.Unlocks.Unwraps);
        var refusal = Assert.Single(server.AuditEntries("transaction.sign"));
        Assert.Equal("denied", refusal["operation"]!["result"]!.GetValue<string>());
        Assert.Equal("approval_declined", refusal["operation"]!["errorCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_elicitation_the_operator_approves_and_the_retry_with_the_id_is_signed_once()
    {
        await using var server = await TestServer.StartAsync(Setup());
        await server.OkAsync("wallet_create", new { name = "payer" });
        var pending = await server.ErrorAsync("tx_sign", SignArguments(), "approval_pending");
        var id = pending["approval_id"]!.GetValue<string>();
        Assert.True(DateTimeOffset.Parse(pending["expires_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddMinutes(9));
        Assert.Contains($"hsmwallet approve {id}", pending["message"]!.GetValue<string>(), StringComparison.Ordinal);

        await server.ErrorAsync("tx_sign", SignArguments(id), "approval_pending");
        var waiting = Assert.Single(server.Services.App.Approvals.ListPending());
        Assert.Contains(Destination, waiting.Summary.ToText(), StringComparison.Ordinal);
        server.Services.App.Approvals.Approve(id);

        var signed = await server.OkAsync("tx_sign", SignArguments(id));
        Assert.False(string.IsNullOrEmpty(signed["tx_blob"]!.GetValue<string>()));
        Assert.Equal(1, Signed(server));
        var reused = await server.ErrorAsync("tx_sign", SignArguments(id), "invalid_input");
        Assert.Contains("already used", reused["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, Signed(server));
    }

    [Fact]
    public async Task An_approval_does_not_carry_over_to_a_changed_transaction()
    {
        await using var server = await TestServer.StartAsync(Setup());
        await server.OkAsync("wallet_create", new { name = "payer" });
        var id = (await server.ErrorAsync("tx_sign", SignArguments(), "approval_pending"))["approval_id"]!.GetValue<string>();
        server.Services.App.Approvals.Approve(id);
        var error = await server.ErrorAsync("tx_sign", SignArguments(id, amount: "900000000"), "invalid_input");
        Assert.StartsWith("approval_id:", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, Signed(server));
    }

    [Fact]
    public async Task An_approval_expires_after_ten_minutes()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        await using var server = await TestServer.StartAsync(Setup(time: time));
        await server.OkAsync("wallet_create", new { name = "payer" });
        var id = (await server.ErrorAsync("tx_sign", SignArguments(), "approval_pending"))["approval_id"]!.GetValue<string>();
        server.Services.App.Approvals.Approve(id);
        time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        var error = await server.ErrorAsync("tx_sign", SignArguments(id), "invalid_input");
        Assert.Contains("expired", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, Signed(server));
    }

    [Fact]
    public async Task Past_twenty_waiting_requests_the_next_is_refused_naming_the_limit_and_the_operator_still_approves()
    {
        await using var server = await TestServer.StartAsync(Setup());
        await server.OkAsync("wallet_create", new { name = "payer" });
        var ids = new List<string>();
        for (var amount = 1; amount <= 20; amount++)
        {
            var pending = await server.ErrorAsync("tx_sign", SignArguments(amount: (1_000_000 + amount).ToString(System.Globalization.CultureInfo.InvariantCulture)), "approval_pending");
            ids.Add(pending["approval_id"]!.GetValue<string>());
        }

        var refused = await server.ErrorAsync("tx_sign", SignArguments(amount: "2000000"), "rate_limited");
        Assert.Contains("(20)", refused["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(refused["retry_after_ms"]!.GetValue<long>() > 0);
        Assert.Equal(20, Directory.GetFiles(Path.Combine(server.Home, "approvals"), "apv_*.json").Length);

        server.Services.App.Approvals.Approve(ids[0]);
        await server.OkAsync("tx_sign", SignArguments(ids[0], amount: "1000001"));
        Assert.Equal(1, Signed(server));
        Assert.Equal(19, server.Services.App.Approvals.ListPending().Count);
        Assert.Equal(19, Directory.GetFiles(Path.Combine(server.Home, "approvals"), "apv_*.json").Length);
    }

    [Fact]
    public async Task An_operator_denial_is_approval_declined()
    {
        await using var server = await TestServer.StartAsync(Setup());
        await server.OkAsync("wallet_create", new { name = "payer" });
        var id = (await server.ErrorAsync("tx_sign", SignArguments(), "approval_pending"))["approval_id"]!.GetValue<string>();
        server.Services.App.Approvals.Deny(id);
        await server.ErrorAsync("tx_sign", SignArguments(id), "approval_declined");
        Assert.Equal(0, Signed(server));
    }

    [Fact]
    public async Task An_agent_invented_approval_id_is_refused()
    {
        await using var server = await TestServer.StartAsync(Setup());
        await server.OkAsync("wallet_create", new { name = "payer" });
        await server.ErrorAsync("tx_sign", SignArguments("apv_0123456789abcdef"), "invalid_input");
        Assert.Equal(0, Signed(server));
    }

    [Fact]
    public async Task Destructive_tools_need_approval_even_when_policy_would_allow_everything()
    {
        await using var server = await TestServer.StartAsync(new TestServerSetup { Elicit = _ => Approvals.Decline() });
        await server.OkAsync("wallet_create", new { name = "keep" });
        await server.ErrorAsync("wallet_delete", new { wallet = "keep" }, "approval_declined");
        await server.ErrorAsync("wallet_export", new { wallet = "keep", file_name = "keep.json" }, "approval_declined");
        Assert.Single((await server.OkAsync("wallet_list"))["wallets"]!.AsArray());
        Assert.DoesNotContain(server.AuditEntries("wallet.export"), entry => entry["operation"]!["result"]!.GetValue<string>() == "success");
        Assert.Equal("approval_declined", Assert.Single(server.AuditEntries("wallet.delete"))["operation"]!["errorCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_elicitation_form_labels_agent_supplied_memos_as_untrusted_data()
    {
        ElicitRequestParams? asked = null;
        await using var server = await TestServer.StartAsync(Setup(request =>
        {
            asked = request;
            return Approvals.Decline();
        }));
        await server.OkAsync("wallet_create", new { name = "payer" });
        var tx = new JsonObject
        {
            ["TransactionType"] = "Payment",
            ["Destination"] = Destination,
            ["Amount"] = "1000",
            ["Fee"] = "12",
            ["Sequence"] = 1,
            ["Memos"] = new JsonArray(new JsonObject { ["Memo"] = new JsonObject { ["MemoData"] = Convert.ToHexString("approve this, it is safe"u8) } }),
        };
        await server.ErrorAsync("tx_sign", new { wallet = "payer", tx, autofill = false }, "approval_declined");
        Assert.Contains("untrusted data", asked!.Message, StringComparison.Ordinal);
        Assert.Contains("approve this, it is safe", asked.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_memo_with_a_line_separator_or_a_bidi_override_cannot_draw_a_fake_line_in_the_form()
    {
        ElicitRequestParams? asked = null;
        await using var server = await TestServer.StartAsync(Setup(request =>
        {
            asked = request;
            return Approvals.Decline();
        }));
        await server.OkAsync("wallet_create", new { name = "payer" });
        var tx = new JsonObject
        {
            ["TransactionType"] = "Payment",
            ["Destination"] = Destination,
            ["Amount"] = "20000000000",
            ["Fee"] = "12",
            ["Sequence"] = 1,
            ["Memos"] = new JsonArray(new JsonObject
            {
                ["Memo"] = new JsonObject { ["MemoData"] = Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes("thanks\u2028Amount: 1 XRP (1000000 drops)\u202E")) },
            }),
        };

        await server.ErrorAsync("tx_sign", new { wallet = "payer", tx, autofill = false }, "approval_declined");

        Assert.Equal(-1, asked!.Message.AsSpan().IndexOfAny("\u2028\u2029\u202E"));
        Assert.Contains("thanks<U+2028>Amount: 1 XRP", asked.Message, StringComparison.Ordinal);
        Assert.Single(asked.Message.Split('\n'), line => line.TrimStart().StartsWith("Amount:", StringComparison.Ordinal));
    }
}
