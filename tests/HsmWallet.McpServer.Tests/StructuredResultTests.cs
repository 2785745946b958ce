using System.Text.Json.Nodes;
using HsmWallet.McpServer.Pipeline;
using HsmWallet.McpServer.Tests.Support;
using ModelContextProtocol.Protocol;

namespace HsmWallet.McpServer.Tests;

/// <summary>
/// Successful results carry structuredContent equal to their text, valid under the outputSchema tools/list publishes.
/// Every call through <see cref="TestServer"/> is checked this way (<see cref="OutputSchemaCheck"/>); these tests
/// make sure every tool has a schema and that the check itself catches a wrong result.
/// </summary>
public sealed class StructuredResultTests
{
    [Fact]
    public async Task Every_listed_tool_publishes_an_output_schema_and_every_catalog_tool_declares_one()
    {
        await using var server = await TestServer.StartAsync();
        var tools = await server.Client.ListToolsAsync();
        Assert.NotEmpty(tools);
        foreach (var tool in tools)
        {
            Assert.True(tool.ProtocolTool.OutputSchema is not null, $"{tool.Name} publishes no outputSchema: declare it in ToolOutputSchemas");
            Assert.Equal("object", tool.ProtocolTool.OutputSchema!.Value.GetProperty("type").GetString());
        }

        Assert.Equal(ToolCatalog.Tools.Keys.Order(StringComparer.Ordinal), ToolOutputSchemas.Results.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_successful_read_carries_structured_content_equal_to_its_text()
    {
        await using var server = await TestServer.StartAsync();
        await server.OkAsync("wallet_create", new { name = "alice" });
        var result = await server.Client.CallToolAsync("wallet_list", new Dictionary<string, object?>());
        Assert.NotEqual(true, result.IsError);
        var structured = JsonNode.Parse(result.StructuredContent!.Value.GetRawText())!;
        Assert.Equal("alice", structured["wallets"]![0]!["name"]!.GetValue<string>());
        var text = JsonNode.Parse(Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        Assert.True(JsonNode.DeepEquals(text, structured));
    }

    [Fact]
    public async Task Every_read_tool_that_needs_no_ledger_matches_its_schema()
    {
        await using var server = await TestServer.StartAsync();
        await server.OkAsync("wallet_create", new { name = "alice" });
        await server.OkAsync("wallet_list");
        await server.OkAsync("server_status");
        await server.OkAsync("audit_verify");
        await server.OkAsync("tx_decode", new { tx_blob = "120000" });
        await server.OkAsync("policy_check", new { wallet = "alice", tx = new { TransactionType = "Payment", Destination = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe", Amount = "1000", Fee = "12", Sequence = 1 } });
    }

    [Fact]
    public void The_check_refuses_a_result_that_breaks_its_schema()
    {
        var schema = ToolOutputSchemas.For("wallet_delete");
        var wrong = new CallToolResult
        {
            Content = [new TextContentBlock { Text = """{"deleted":"yes","address":"r1","name":"a"}""" }],
            StructuredContent = System.Text.Json.JsonSerializer.SerializeToElement(JsonNode.Parse("""{"deleted":"yes","address":"r1","name":"a"}""")),
        };
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => OutputSchemaCheck.Assert("wallet_delete", schema, wrong));
        var extra = new CallToolResult
        {
            Content = [new TextContentBlock { Text = """{"deleted":true,"address":"r1","name":"a","seed":"s"}""" }],
            StructuredContent = System.Text.Json.JsonSerializer.SerializeToElement(JsonNode.Parse("""{"deleted":true,"address":"r1","name":"a","seed":"s"}""")),
        };
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => OutputSchemaCheck.Assert("wallet_delete", schema, extra));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => OutputSchemaCheck.Assert("a_new_tool", ToolOutputSchemas.For("a_new_tool"), extra));
    }
}
