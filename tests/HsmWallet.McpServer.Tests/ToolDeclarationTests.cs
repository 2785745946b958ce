// Fake tool parameters are named as the wire names them (snake_case), like the real tools'.
#pragma warning disable CA1707
using System.ComponentModel;
using System.Text.Json.Nodes;
using HsmWallet.McpServer.Composition;
using HsmWallet.McpServer.Pipeline;
using HsmWallet.McpServer.Tests.Support;
using ModelContextProtocol.Server;

namespace HsmWallet.McpServer.Tests;

/// <summary>
/// Each tool is described once (<see cref="ToolDeclarations"/>): the tools served are exactly the declared ones, with
/// the declared class hints, arguments and output schema, and a method and its declaration that drift apart stop the
/// server at start-up instead of failing a call. The call's context reaches the tool as a parameter.
/// </summary>
public sealed class ToolDeclarationTests
{
    [Fact]
    public async Task Tools_list_serves_exactly_the_declared_tools_with_their_class_hints_arguments_and_output_schema()
    {
        await using var server = await TestServer.StartAsync();
        var tools = await server.Client.ListToolsAsync();
        Assert.Equal(ToolDeclarations.All.Select(declaration => declaration.Name).Order(StringComparer.Ordinal), tools.Select(tool => tool.Name).Order(StringComparer.Ordinal));
        foreach (var tool in tools)
        {
            var declaration = ToolDeclarations.ByName[tool.Name];
            var annotations = tool.ProtocolTool.Annotations!;
            Assert.Equal(declaration.Class == ToolClass.ReadOnly, annotations.ReadOnlyHint);
            Assert.Equal(declaration.Class == ToolClass.Destructive, annotations.DestructiveHint);

            var input = JsonNode.Parse(tool.JsonSchema.GetRawText())!.AsObject();
            var wire = declaration.Arguments.Where(argument => argument.Kind != ArgumentKind.Retired).ToList();
            Assert.Equal(wire.Select(argument => argument.Name), input["properties"]!.AsObject().Select(property => property.Key));
            Assert.Equal(
                wire.Where(argument => argument.Required).Select(argument => argument.Name),
                (input["required"]?.AsArray() ?? []).Select(name => name!.GetValue<string>()));

            var published = JsonNode.Parse(tool.ProtocolTool.OutputSchema!.Value.GetRawText());
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(ToolOutputSchemas.For(tool.Name)!.Value.GetRawText()), published), tool.Name);
            Assert.True(JsonNode.DeepEquals(declaration.Output, published!["anyOf"]![0]), tool.Name);
        }
    }

    [Fact]
    public void The_served_tool_methods_match_their_declarations_so_the_host_builds()
    {
        // ServerHost.Build runs this same check first; every TestServer above was built through it.
        ToolDeclarations.Check(ServerHost.ToolTypes);
    }

    [Fact]
    public void A_tool_method_without_a_declaration_stops_the_start()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ToolDeclarations.Check([.. ServerHost.ToolTypes, typeof(UndeclaredTools)]));
        Assert.Contains("wallet_rename: UndeclaredTools.Rename has no declaration", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_declaration_without_a_tool_method_stops_the_start()
    {
        var ghost = new ToolDeclaration("wallet_rename", ToolClass.Sensitive, RateTier.Strict, null, [new ToolArgument("wallet", ArgumentKind.Wallet, Required: true)], []);
        var error = Assert.Throws<InvalidOperationException>(() => ToolDeclarations.Check(ServerHost.ToolTypes, [.. ToolDeclarations.All, ghost]));
        Assert.Contains("wallet_rename: declared but no [McpServerTool] method serves it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tool_method_whose_hints_or_parameters_disagree_with_its_declaration_stops_the_start()
    {
        var declarations = ToolDeclarations.All.Where(declaration => declaration.Name is "wallet_list" or "wallet_balance").ToList();
        var error = Assert.Throws<InvalidOperationException>(() => ToolDeclarations.Check([typeof(DriftedTools)], declarations));
        Assert.Contains("wallet_list: the attribute's ReadOnly=False Destructive=False disagree with class ReadOnly", error.Message, StringComparison.Ordinal);
        Assert.Contains("wallet_balance: the method's parameters (address:String) are not the declared arguments (wallet:String)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_tool_gets_the_pipelines_call_so_its_audit_entry_carries_the_correlation_id_of_the_answer()
    {
        await using var server = await TestServer.StartAsync(TestServerSetup.KeyFileVault("""{"version":1,"networks":{"testnet":{"default":{"blocked_transaction_types":["AccountSet"]}}}}"""));
        await server.OkAsync("wallet_create", new { name = "payer" });
        var accountSet = new { TransactionType = "AccountSet", Fee = "12", Sequence = 1 };
        var first = await server.ErrorAsync("tx_sign", new { wallet = "payer", tx = accountSet, autofill = false }, "policy_denied");
        var second = await server.ErrorAsync("tx_sign", new { wallet = "payer", tx = accountSet, autofill = false }, "policy_denied");

        var entries = server.AuditEntries("transaction.sign");
        foreach (var answer in new[] { first, second })
        {
            var correlationId = answer["correlation_id"]!.GetValue<string>();
            var entry = Assert.Single(entries, entry => entry["correlationId"]!.GetValue<string>() == correlationId);
            Assert.Equal("tx_sign", entry["toolName"]!.GetValue<string>());
        }

        Assert.NotEqual(first["correlation_id"]!.GetValue<string>(), second["correlation_id"]!.GetValue<string>());
        var created = Assert.Single(server.AuditEntries("wallet.create"));
        Assert.Equal("wallet_create", created["toolName"]!.GetValue<string>());
        Assert.DoesNotContain(entries, entry => entry["correlationId"]!.GetValue<string>() == created["correlationId"]!.GetValue<string>());
    }

    /// <summary>A tool someone added without declaring it.</summary>
    public sealed class UndeclaredTools
    {
        [McpServerTool(Name = "wallet_rename", ReadOnly = false, Destructive = false)]
        [Description("Renames a wallet.")]
        public static string Rename(string wallet) => wallet;
    }

    /// <summary>Methods whose attribute or parameters drifted from their declarations.</summary>
    public sealed class DriftedTools
    {
        [McpServerTool(Name = "wallet_list", ReadOnly = false, Destructive = false)]
        [Description("Lists wallets.")]
        public static string List(string? network = null) => network ?? string.Empty;

        [McpServerTool(Name = "wallet_balance", ReadOnly = true, Destructive = false)]
        [Description("A balance.")]
        public static string Balance(string address, CancellationToken cancellationToken = default) => address;
    }
}
