using HsmWallet.Core;
using HsmWallet.McpServer.Pipeline;
using HsmWallet.McpServer.Tests.Support;

namespace HsmWallet.McpServer.Tests;

/// <summary>
/// The operator sets each tier's rate limit (hsmwallet-mcp --rate-standard, --rate-strict, --rate-critical), bounded
/// both ways; an approval round trip costs one strict call, and only the first retry of an approval the operator
/// approved is free, so an agent cannot flood tx_sign through it.
/// </summary>
public sealed class OperatorRateLimitTests
{
    private const string Destination = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe";
    private const string NeedsApproval = """{"version":1,"networks":{"testnet":{"default":{"new_destination_requires_approval":true}}}}""";

    private static object Sign(string? approvalId = null, string amount = "1500000")
    {
        var tx = new { TransactionType = "Payment", Destination, Amount = amount, Fee = "12", Sequence = 1, LastLedgerSequence = 5000, DestinationTag = 7 };
        return approvalId is null
            ? new { wallet = "payer", tx, autofill = false }
            : new { wallet = "payer", tx, autofill = false, approval_id = approvalId };
    }

    private static RateLimitSettings Limits(string? standard = null, string? strict = null, string? critical = null)
    {
        var defaults = RateLimitSettings.Default;
        return new RateLimitSettings(
            standard is null ? defaults.Standard : RateLimitSettings.Parse("--rate-standard", standard, defaults.Standard, window: false),
            strict is null ? defaults.Strict : RateLimitSettings.Parse("--rate-strict", strict, defaults.Strict, window: false),
            critical is null ? defaults.Critical : RateLimitSettings.Parse("--rate-critical", critical, defaults.Critical, window: true));
    }

    [Fact]
    public async Task Configured_limits_take_effect_per_tier_and_server_status_reports_them()
    {
        await using var server = await TestServer.StartAsync(new TestServerSetup
        {
            EnforceRateLimits = true,
            Options = options => options with { RateLimits = Limits(standard: "30/min,burst=3", strict: "10/min,burst=4", critical: "2/h") },
        });
        var status = await server.OkAsync("server_status");
        Assert.Equal("30 per minute, burst 3", status["limits"]!["standard"]!.GetValue<string>());
        Assert.Equal("10 per minute, burst 4", status["limits"]!["strict"]!.GetValue<string>());
        Assert.Equal("2 per hour", status["limits"]!["critical"]!.GetValue<string>());
        await server.OkAsync("server_status");
        await server.OkAsync("server_status");
        var standard = await server.ErrorAsync("server_status", null, "rate_limited");
        Assert.Equal(2000, standard["retry_after_ms"]!.GetValue<long>());

        for (var call = 0; call < 4; call++)
        {
            await server.OkAsync("wallet_create", new { name = $"w{call}" });
        }

        await server.ErrorAsync("wallet_create", new { name = "w4" }, "rate_limited");
        await server.ErrorAsync("wallet_delete", new { wallet = "w0" }, "approval_pending");
        await server.ErrorAsync("wallet_delete", new { wallet = "w1" }, "approval_pending");
        await server.ErrorAsync("wallet_delete", new { wallet = "w2" }, "rate_limited");
    }

    [Fact]
    public async Task Without_options_the_spec_limits_apply()
    {
        await using var server = await TestServer.StartAsync();
        var status = await server.OkAsync("server_status");
        Assert.Equal("100 per minute, burst 10", status["limits"]!["standard"]!.GetValue<string>());
        Assert.Equal("20 per minute, burst 2", status["limits"]!["strict"]!.GetValue<string>());
        Assert.Equal("5 per 5 minutes", status["limits"]!["critical"]!.GetValue<string>());
    }

    public static TheoryData<string, string, string> Nonsense() => new()
    {
        { "--rate-standard", "0/min", "at least 1" },
        { "--rate-standard", "1000000/s", "10 calls a second" },
        { "--rate-strict", "601/min", "10 calls a second" },
        { "--rate-strict", "20/min,burst=0", "burst must be 1 to 100" },
        { "--rate-strict", "20/min,burst=1000", "burst must be 1 to 100" },
        { "--rate-strict", "5/min,burst=6", "larger than the count" },
        { "--rate-standard", "100/2d", "must be COUNT/PERIOD" },
        { "--rate-standard", "100/25h", "24 hours" },
        { "--rate-standard", "many/min", "must be COUNT/PERIOD" },
        { "--rate-critical", "5/5min,burst=2", "takes no burst" },
        { "--rate-critical", "0/5min", "at least 1" },
    };

    [Theory]
    [MemberData(nameof(Nonsense))]
    public void Nonsense_limits_are_refused_naming_the_option_and_the_rule(string option, string value, string rule)
    {
        var error = Assert.Throws<InvalidInputException>(() => RateLimitSettings.Parse(option, value, RateLimitSettings.Default.Standard, window: option == "--rate-critical"));
        Assert.Equal(option, error.Field);
        Assert.Contains(rule, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rate_without_a_burst_keeps_the_default_burst_capped_at_the_count()
    {
        Assert.Equal(10, RateLimitSettings.Parse("--rate-standard", "200/min", RateLimitSettings.Default.Standard, window: false).Burst);
        Assert.Equal(3, RateLimitSettings.Parse("--rate-standard", "3/min", RateLimitSettings.Default.Standard, window: false).Burst);
        Assert.Equal(TimeSpan.FromSeconds(3), RateLimitSettings.Parse("--rate-strict", "20/min", RateLimitSettings.Default.Strict, window: false).Refill);
    }

    [Fact]
    public async Task An_approval_round_trip_fits_the_strict_burst_of_two_and_a_third_plain_sign_is_rate_limited()
    {
        await using var server = await TestServer.StartAsync(ApprovalSetup());
        await server.OkAsync("wallet_create", new { name = "payer" });
        server.Pipeline.RateLimits.Replenish();

        // 1st plain call (one token): pending. The operator approves; the retry with its id is free and signs.
        var id = (await server.ErrorAsync("tx_sign", Sign(), "approval_pending"))["approval_id"]!.GetValue<string>();
        server.Services.App.Approvals.Approve(id);
        var signed = await server.OkAsync("tx_sign", Sign(id));
        Assert.Equal(64, signed["hash"]!.GetValue<string>().Length);

        // The 2nd plain call takes the burst's last token (whatever it answers); the 3rd is rate limited.
        var (_, second) = await server.CallAsync("tx_sign", Sign(amount: "1600000"));
        Assert.NotEqual("rate_limited", second["error"]?["code"]?.GetValue<string>());
        await server.ErrorAsync("tx_sign", Sign(amount: "1700000"), "rate_limited");
    }

    [Fact]
    public async Task Only_the_first_retry_of_an_approved_id_is_free_so_an_agent_cannot_flood_with_it()
    {
        await using var server = await TestServer.StartAsync(ApprovalSetup());
        await server.OkAsync("wallet_create", new { name = "payer" });
        server.Pipeline.RateLimits.Replenish();
        var id = (await server.ErrorAsync("tx_sign", Sign(), "approval_pending"))["approval_id"]!.GetValue<string>();

        // An id the operator has not approved yet pays: that is the burst's last token.
        await server.ErrorAsync("tx_sign", Sign(id), "approval_pending");
        server.Services.App.Approvals.Approve(id);

        // The approved id's first use is free, even with changed data (refused: bound to other data)...
        await server.ErrorAsync("tx_sign", Sign(id, amount: "900000000"), "invalid_input");

        // ...and never again: the same id, or an unknown one, pays and meets the empty bucket; nothing was signed.
        await server.ErrorAsync("tx_sign", Sign(id), "rate_limited");
        await server.ErrorAsync("tx_sign", Sign("0123456789abcdef0123456789abcdef"), "rate_limited");
        Assert.DoesNotContain(server.AuditEntries("transaction.sign"), entry => entry["operation"]!["result"]!.GetValue<string>() == "success");
    }

    private static TestServerSetup ApprovalSetup() => new()
    {
        EnforceRateLimits = true,
        Prepare = home =>
        {
            TestServer.CreateKeyFileVault(home);
            TestServer.SetPolicy(home, NeedsApproval);
        },
    };
}
