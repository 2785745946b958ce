using System.Text.Json.Nodes;
using HsmWallet.McpServer.Pipeline;
using HsmWallet.McpServer.Tests.Support;

namespace HsmWallet.McpServer.Tests;

/// <summary>
/// Refusals an agent can repeat at will cannot flood the audit log: every call spends rate budget before it is
/// validated, and refusals are audited once per kind, tool and window with a count that adds up.
/// </summary>
public sealed class RefusalAuditTests
{
    private static readonly (string Tool, object Arguments)[] Invalid =
    [
        ("wallet_balance", new { }),
        ("wallet_seed_dump", new { wallet = "x" }),
        ("wallet_create", new { name = string.Empty }),
    ];

    private static async Task<Dictionary<(string Tool, string Code), long>> FloodAsync(TestServer server, int calls)
    {
        var refused = new Dictionary<(string, string), long>();
        for (var call = 0; call < calls; call++)
        {
            var (tool, arguments) = Invalid[call % Invalid.Length];
            var (isError, body) = await server.CallAsync(tool, arguments);
            Assert.True(isError, body.ToJsonString());
            var code = body["error"]!["code"]!.GetValue<string>();
            Assert.Contains(code, new[] { "invalid_input", "rate_limited" });
            var key = (ToolCatalog.Tools.ContainsKey(tool) ? tool : "unknown", code);
            refused[key] = refused.GetValueOrDefault(key) + 1;
        }

        return refused;
    }

    private static IEnumerable<JsonObject> Refusals(TestServer server) =>
        server.AuditEntries().Where(entry => entry["eventType"]!.GetValue<string>() is "security.invalid_input" or "security.rate_limit");

    private static Dictionary<(string Tool, string Code), long> Counted(TestServer server)
    {
        var counted = new Dictionary<(string, string), long>();
        foreach (var entry in Refusals(server))
        {
            var operation = entry["operation"]!;
            var key = (entry["toolName"]!.GetValue<string>(), operation["errorCode"]!.GetValue<string>());
            counted[key] = counted.GetValueOrDefault(key) + operation["parameters"]!["count"]!.GetValue<long>();
        }

        return counted;
    }

    [Fact]
    public async Task A_flood_of_invalid_and_rate_limited_calls_writes_a_few_entries_whose_counts_add_up_and_the_chain_verifies()
    {
        await using var server = await TestServer.StartAsync(new TestServerSetup { EnforceRateLimits = true });
        var before = server.AuditEntries().Count;

        var refused = await FloodAsync(server, 600);
        var whileRunning = server.AuditEntries().Count - before;
        await server.StopAsync();

        // Invalid calls spent the budget: most of the flood was refused by the rate limit, not validated.
        Assert.True(refused[("wallet_balance", "invalid_input")] <= 10);
        Assert.True(refused[("wallet_balance", "rate_limited")] >= 190);
        Assert.True(refused[("wallet_create", "invalid_input")] <= 2);
        // One entry per kind and tool at once, one more with the count when the server stops.
        Assert.True(whileRunning <= refused.Count, whileRunning.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(server.AuditEntries().Count - before <= 2 * refused.Count);
        Assert.Equal(refused.OrderBy(pair => pair.Key).ToList(), Counted(server).OrderBy(pair => pair.Key).ToList());
        Assert.Equal(600, Counted(server).Values.Sum());
        var verification = server.Services.App.Audit.Verify();
        Assert.True(verification.Ok, verification.ToJson().ToJsonString());
    }

    [Fact]
    public async Task The_count_of_an_ended_window_is_written_at_the_next_refusal_of_its_kind()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        await using var server = await TestServer.StartAsync(new TestServerSetup { EnforceRateLimits = true, Time = time });

        var first = await FloodAsync(server, 90);
        Assert.DoesNotContain(Refusals(server), entry => entry["operation"]!["parameters"]!["window_start"] is not null);
        time.Advance(RefusalAudit.DefaultWindow);
        server.Pipeline.RateLimits.Replenish();
        var second = await FloodAsync(server, 90);

        var summaries = Refusals(server).Where(entry => entry["operation"]!["parameters"]!["window_start"] is not null).ToList();
        Assert.NotEmpty(summaries);
        Assert.Contains(summaries, entry => entry["toolName"]!.GetValue<string>() == "wallet_balance"
            && entry["operation"]!["errorCode"]!.GetValue<string>() == "rate_limited"
            && entry["operation"]!["parameters"]!["count"]!.GetValue<long>() == first[("wallet_balance", "rate_limited")] - 1);
        await server.StopAsync();
        Assert.Equal(180, Counted(server).Values.Sum());
        Assert.True(server.Services.App.Audit.Verify().Ok);
    }
}
