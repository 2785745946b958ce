using System.Text.Json.Nodes;
using HsmWallet.Core.Ledger;
using HsmWallet.Core.Tests.Fixtures;
using HsmWallet.McpServer.Pipeline;
using HsmWallet.McpServer.Tests.Support;

namespace HsmWallet.McpServer.Tests;

/// <summary>The pipeline every call goes through: size, classification, validation, rate limits, concurrency, timeout, errors.</summary>
public sealed class PipelineTests
{
    private const string Destination = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe";

    [Fact]
    public async Task Tools_list_offers_exactly_the_tools_of_the_interface_with_annotations_and_descriptions()
    {
        await using var server = await TestServer.StartAsync();
        var tools = await server.Client.ListToolsAsync();
        Assert.Equal(ToolCatalog.Tools.Keys.Order(StringComparer.Ordinal), tools.Select(tool => tool.Name).Order(StringComparer.Ordinal));
        foreach (var tool in tools)
        {
            var annotations = tool.ProtocolTool.Annotations!;
            var (toolClass, _) = ToolCatalog.Tools[tool.Name];
            Assert.Equal(toolClass == ToolClass.ReadOnly, annotations.ReadOnlyHint);
            Assert.Equal(toolClass == ToolClass.Destructive, annotations.DestructiveHint);
            Assert.NotNull(annotations.IdempotentHint);
            Assert.NotNull(annotations.OpenWorldHint);
            Assert.True(tool.Description.Length > 80, tool.Name);
        }
    }

    [Fact]
    public async Task Boolean_and_integer_arguments_have_one_plain_type_and_a_default_so_generic_clients_can_fill_them()
    {
        await using var server = await TestServer.StartAsync();
        var tools = await server.Client.ListToolsAsync();
        foreach (var tool in tools)
        {
            var properties = tool.JsonSchema.GetProperty("properties");
            foreach (var property in properties.EnumerateObject())
            {
                // Booleans and integers: one plain type (a string "true" from a generic client is never accepted).
                if (!property.Value.TryGetProperty("type", out var type))
                {
                    continue;
                }

                var raw = type.GetRawText();
                if (raw.Contains("boolean", StringComparison.Ordinal) || raw.Contains("integer", StringComparison.Ordinal))
                {
                    Assert.True(type.ValueKind == System.Text.Json.JsonValueKind.String, $"{tool.Name}.{property.Name} has type {raw}");
                }
            }
        }

        var sign = tools.Single(tool => tool.Name == "tx_sign").JsonSchema.GetProperty("properties");
        Assert.Equal("boolean", sign.GetProperty("autofill").GetProperty("type").GetString());
        Assert.True(sign.GetProperty("autofill").GetProperty("default").GetBoolean());
        Assert.False(sign.GetProperty("submit").GetProperty("default").GetBoolean());
        var history = tools.Single(tool => tool.Name == "wallet_history").JsonSchema.GetProperty("properties");
        Assert.Equal("integer", history.GetProperty("limit").GetProperty("type").GetString());

        // Nothing looser than before: the string "true" is still not a boolean.
        var error = await server.ErrorAsync("tx_sign", new { wallet = "w", tx = new { TransactionType = "Payment" }, submit = "true" }, "invalid_input");
        Assert.StartsWith("submit", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_tool_is_denied_as_invalid_input_and_audited()
    {
        await using var server = await TestServer.StartAsync();
        var error = await server.ErrorAsync("wallet_seed_dump", new { wallet = "x" }, "invalid_input");
        Assert.StartsWith("name:", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(server.AuditEntries("security.invalid_input"));
    }

    [Fact]
    public async Task A_request_over_one_megabyte_is_refused_before_any_tool_runs()
    {
        await using var server = await TestServer.StartAsync();
        var error = await server.ErrorAsync("tx_decode", new { tx_blob = new string('A', (1024 * 1024) + 2) }, "invalid_input");
        Assert.StartsWith("request:", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> BadInputs() => new()
    {
        { "wallet_balance", """{"wallet":"rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYf"}""", "wallet:" },
        { "wallet_balance", """{}""", "wallet: is required" },
        { "wallet_balance", """{"wallet":"a","extra":1}""", "extra:" },
        { "wallet_create", """{"name":""}""", "name:" },
        { "wallet_create", """{"name":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}""", "name:" },
        { "wallet_create", """{"name":"a","key_type":"rsa"}""", "key_type:" },
        { "wallet_create", """{"name":"a","network":"moonnet"}""", "network:" },
        { "wallet_history", """{"wallet":"a","limit":500}""", "limit:" },
        { "tx_status", """{"hash":"ABC"}""", "hash:" },
        { "tx_decode", """{"tx_blob":"XYZ1"}""", "tx_blob:" },
        { "tx_sign", """{"wallet":"a","tx":"{\"TransactionType\":\"Payment\"}"}""", "tx:" },
        { "tx_sign", """{"wallet":"a","tx":{"Amount":"1"}}""", "tx.TransactionType:" },
        { "tx_sign", """{"wallet":"a","tx":{"TransactionType":"Payment","Destination":"rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYf","Amount":"1"}}""", "tx.Destination:" },
        { "tx_sign", """{"wallet":"a","tx":{"TransactionType":"Payment","Destination":"rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe","Amount":"1.5"}}""", "tx.Amount:" },
        { "tx_sign", """{"wallet":"a","tx":{"TransactionType":"Payment","Destination":"rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe","Amount":"0"}}""", "tx.Amount:" },
        { "tx_sign", """{"wallet":"a","tx":{"TransactionType":"Payment","Destination":"rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe","Amount":"100000000000000001"}}""", "tx.Amount:" },
        { "tx_sign", """{"wallet":"a","tx":{"TransactionType":"Payment","Destination":"rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe","Amount":{"currency":"USD","issuer":"rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe","value":"1e"}}}""", "tx.Amount.value:" },
        { "tx_sign", """{"wallet":"a","tx":{"TransactionType":"Payment","TxnSignature":"00"}}""", "tx.TxnSignature:" },
        { "tx_sign", """{"wallet":"a","tx":{"TransactionType":"Payment"},"submit":"yes"}""", "submit:" },
        { "tx_sign", """{"wallet":"a","tx":{"TransactionType":"Payment"},"approval_id":"../../etc/passwd"}""", "approval_id:" },
        { "wallet_export", """{"wallet":"a","out_path":"/tmp/file"}""", "out_path:" },
        { "wallet_export", """{"wallet":"a","file_name":"../policy.json"}""", "file_name:" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_is_refused_naming_the_field_and_the_rule_never_the_value(string tool, string arguments, string messageStart)
    {
        await using var server = await TestServer.StartAsync();
        var error = await server.ErrorAsync(tool, JsonNode.Parse(arguments), "invalid_input");
        var message = error["message"]!.GetValue<string>();
        Assert.StartsWith(messageStart, message, StringComparison.Ordinal);
        Assert.DoesNotContain("rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYf", message, StringComparison.Ordinal);
        Assert.Single(server.AuditEntries("security.invalid_input"));
    }

    [Fact]
    public async Task Control_characters_are_removed_from_names_before_the_tool_sees_them()
    {
        await using var server = await TestServer.StartAsync();
        var created = await server.OkAsync("wallet_create", new { name = "\u0007bob\u001b\u0000" });
        Assert.Equal("bob", created["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_flood_past_the_standard_tier_is_refused_with_retry_after_then_service_resumes()
    {
        await using var server = await TestServer.StartAsync(new TestServerSetup { EnforceRateLimits = true });
        for (var call = 0; call < 10; call++)
        {
            await server.OkAsync("server_status");
        }

        var error = await server.ErrorAsync("server_status", null, "rate_limited");
        Assert.True(error["retry_after_ms"]!.GetValue<long>() > 0);
        Assert.Single(server.AuditEntries("security.rate_limit"));
        server.Pipeline.RateLimits.Replenish();
        await server.OkAsync("server_status");
    }

    [Fact]
    public async Task A_flood_past_the_strict_tier_is_refused_while_reads_still_pass()
    {
        await using var server = await TestServer.StartAsync(new TestServerSetup { EnforceRateLimits = true });
        var blob = "120000";
        for (var call = 0; call < 2; call++)
        {
            var (_, body) = await server.CallAsync("tx_submit", new { tx_blob = blob, wait = false });
            Assert.NotEqual("rate_limited", body["error"]?["code"]?.GetValue<string>());
        }

        var error = await server.ErrorAsync("tx_submit", new { tx_blob = blob }, "rate_limited");
        Assert.True(error["retry_after_ms"]!.GetValue<long>() > 0);
        await server.OkAsync("server_status");
        server.Pipeline.RateLimits.Replenish();
        var (_, after) = await server.CallAsync("tx_submit", new { tx_blob = blob, wait = false });
        Assert.NotEqual("rate_limited", after["error"]?["code"]?.GetValue<string>());
    }

    [Fact]
    public async Task A_flood_past_the_critical_tier_is_refused_after_five_calls()
    {
        await using var server = await TestServer.StartAsync(new TestServerSetup { EnforceRateLimits = true });
        await server.OkAsync("wallet_create", new { name = "victim" });
        for (var call = 0; call < 5; call++)
        {
            await server.ErrorAsync("wallet_delete", new { wallet = "victim" }, "approval_pending");
        }

        var error = await server.ErrorAsync("wallet_delete", new { wallet = "victim" }, "rate_limited");
        Assert.True(error["retry_after_ms"]!.GetValue<long>() > 0);
        var wallets = await server.OkAsync("wallet_list");
        Assert.Single(wallets["wallets"]!.AsArray());
    }

    [Fact]
    public async Task Eleven_slow_operations_at_once_run_ten_and_refuse_the_eleventh_then_service_resumes()
    {
        using var hanging = new HangingEndpoint();
        await using var server = await TestServer.StartAsync(new TestServerSetup
        {
            Network = LedgerNetwork.Custom(hanging.Uri),
            Pipeline = new ToolPipelineOptions { AutoReplenishRateLimits = false, Timeout = TimeSpan.FromSeconds(3), ConcurrencyWait = TimeSpan.FromMilliseconds(300) },
        });
        var hash = new string('A', 64);
        var slow = Enumerable.Range(0, 10).Select(_ => server.CallAsync("tx_status", new { hash })).ToList();
        await Task.Delay(500);
        var eleventh = await server.ErrorAsync("tx_submit", new { tx_blob = "120000" }, "rate_limited");
        Assert.Contains("at once", eleventh["message"]!.GetValue<string>(), StringComparison.Ordinal);
        foreach (var (isError, body) in await Task.WhenAll(slow))
        {
            Assert.True(isError);
            Assert.Equal("timeout", body["error"]!["code"]!.GetValue<string>());
        }

        server.Pipeline.RateLimits.Replenish();
        await server.OkAsync("tx_decode", new { tx_blob = "120000" });
    }

    [Fact]
    public async Task A_hanging_ledger_times_out_and_nothing_is_signed()
    {
        using var hanging = new HangingEndpoint();
        await using var server = await TestServer.StartAsync(new TestServerSetup
        {
            Network = LedgerNetwork.Testnet with { JsonRpcEndpoints = [hanging.Uri], WebSocketEndpoints = [] },
            Pipeline = new ToolPipelineOptions { AutoReplenishRateLimits = false, Timeout = TimeSpan.FromSeconds(1) },
        });
        await server.OkAsync("wallet_create", new { name = "payer" });
        var unlocksBefore = server.Unlocks.Unwraps;
        var error = await server.ErrorAsync("tx_sign", new { wallet = "payer", tx = new { TransactionType = "Payment", Destination, Amount = "1000" } }, "timeout");
        Assert.DoesNotContain("Exception", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        await Task.Delay(500);
        Assert.Empty(server.AuditEntries("transaction.sign"));
        Assert.Equal(unlocksBefore, server.Unlocks.Unwraps);
    }

    [Fact]
    public async Task Errors_carry_a_code_a_message_and_a_correlation_id_and_never_a_stack_trace()
    {
        await using var server = await TestServer.StartAsync();
        var (isError, body) = await server.CallAsync("tx_decode", new { tx_blob = "1200" });
        Assert.True(isError);
        var error = body["error"]!.AsObject();
        Assert.Equal(["code", "message", "correlation_id"], error.Select(pair => pair.Key));
        Assert.DoesNotContain(" at ", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
