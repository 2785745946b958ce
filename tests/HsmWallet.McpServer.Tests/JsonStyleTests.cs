using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Core.Tests.Fixtures;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.McpServer.Tests.Support;
using HsmWallet.Tests.Fixtures;
using ModelContextProtocol.Protocol;

namespace HsmWallet.McpServer.Tests;

/// <summary>One JSON style in every read tool's result and error: snake_case names, times in UTC with Z, no \u0022 or \u0060 escapes.</summary>
public sealed class JsonStyleTests
{
    private const string Destination = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe";

    [Fact]
    public async Task Every_read_tool_answers_in_snake_case_with_times_in_utc_with_z_and_text_without_unicode_escapes()
    {
        await using var ledger = RippledStandIn.Start(TimeSpan.FromMilliseconds(200));
        await using var server = await TestServer.StartAsync(new TestServerSetup { Network = ledger.Network() });
        var address = (await server.OkAsync("wallet_create", new { name = "payer" }))["address"]!.GetValue<string>();
        ledger.Fund(AccountId.ParseClassic(address, "address"), 50_000_000);
        ledger.Fund(AccountId.ParseClassic(Destination, "address"), 50_000_000);
        var memo = Convert.ToHexString(Encoding.UTF8.GetBytes("say \"hi\" with `code` & <b>"));
        var tx = new JsonObject
        {
            ["TransactionType"] = "Payment",
            ["Destination"] = Destination,
            ["Amount"] = "2000000",
            ["Memos"] = new JsonArray(new JsonObject { ["Memo"] = new JsonObject { ["MemoData"] = memo } }),
        };
        var signed = await server.OkAsync("tx_sign", new { wallet = address, tx, submit = true });
        var hash = signed["hash"]!.GetValue<string>();
        var blob = signed["tx_blob"]!.GetValue<string>();

        var good = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["wallet_list"] = new { },
            ["wallet_balance"] = new { wallet = "payer" },
            ["wallet_history"] = new { wallet = "payer", limit = 5 },
            ["tx_decode"] = new { tx_blob = blob },
            ["tx_status"] = new { hash },
            ["policy_check"] = new { wallet = "payer", tx },
            ["audit_verify"] = new { },
            ["server_status"] = new { },
        };
        // Read tools other branches add; called with these arguments when the server has them.
        var more = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["wallet_lines"] = new { wallet = "payer" },
            ["wallet_objects"] = new { wallet = "payer" },
            ["ledger_status"] = new { },
        };
        var tools = await server.Client.ListToolsAsync();
        var readTools = tools.Where(tool => tool.ProtocolTool.Annotations?.ReadOnlyHint == true).Select(tool => tool.Name).ToList();
        var problems = new List<string>();
        var texts = new List<string>();
        foreach (var name in readTools)
        {
            // Each read tool once with good arguments (when this test knows them) and once with an unknown wallet or none.
            foreach (var arguments in new[] { good.GetValueOrDefault(name) ?? more.GetValueOrDefault(name), new { wallet = "nobody", hash = "zz", tx_blob = "zz" } })
            {
                if (arguments is null)
                {
                    continue;
                }

                server.Pipeline.RateLimits.Replenish();
                var dictionary = JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(arguments))!;
                var result = await server.Client.CallToolAsync(name, dictionary);
                var text = string.Concat(result.Content.OfType<TextContentBlock>().Select(block => block.Text));
                texts.Add(text);
                problems.AddRange(JsonStyleCheck.Problems(JsonNode.Parse(text)).Select(problem => $"{name}: {problem}"));
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        Assert.Superset(good.Keys.ToHashSet(), readTools.ToHashSet());
        Assert.All(texts, text => Assert.DoesNotContain("\\u00", text, StringComparison.OrdinalIgnoreCase));
        Assert.Contains(texts, text => text.Contains("say \\\"hi\\\" with `code` & <b>", StringComparison.Ordinal));
    }
}
