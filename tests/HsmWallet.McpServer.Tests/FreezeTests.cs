using System.Text.Json.Nodes;
using HsmWallet.Cli.Tests.Support;
using HsmWallet.McpServer.Tests.Support;

namespace HsmWallet.McpServer.Tests;

/// <summary>
/// The operator's freeze reaches a running server without a restart: the CLI, as its own process on the same home,
/// freezes; the server's next signature and export are refused with code frozen, server_status shows the freeze, and
/// nothing the agent can call lifts it; the CLI's unfreeze does, and signing works again.
/// </summary>
public sealed class FreezeTests
{
    private const string Destination = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe";

    [Fact]
    public async Task A_freeze_from_the_cli_stops_the_running_servers_signatures_and_exports_until_the_cli_lifts_it()
    {
        await using var server = await TestServer.StartAsync(TestServerSetup.KeyFileVault());
        var wallet = await server.OkAsync("wallet_create", new { name = "payer" });
        _ = await server.OkAsync("tx_sign", new { wallet = "payer", tx = Payment(wallet, 1), autofill = false });
        Assert.False((await server.OkAsync("server_status"))["frozen"]!.GetValue<bool>());

        var frozen = Cli(server, "freeze", "--reason", "incident 7: agent misbehaving");

        Assert.True(frozen["vault_recorded"]!.GetValue<bool>());
        var refusedSign = await server.ErrorAsync("tx_sign", new { wallet = "payer", tx = Payment(wallet, 2), autofill = false }, "frozen");
        var refusedExport = await server.ErrorAsync("wallet_export", new { wallet = "payer", file_name = "payer.json" }, "frozen");
        Assert.Contains("incident 7", refusedSign["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("hsmwallet unfreeze", refusedSign["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("incident 7: agent misbehaving", refusedExport["frozen"]!["reason"]!.GetValue<string>());
        var status = (await server.OkAsync("server_status"))["frozen"]!.AsObject();
        Assert.Equal("incident 7: agent misbehaving", status["reason"]!.GetValue<string>());
        Assert.Equal(frozen["frozen"]!["since"]!.GetValue<string>(), status["since"]!.GetValue<string>());
        Assert.False(Directory.Exists(Path.Combine(server.Home, "backups")) && Directory.EnumerateFiles(Path.Combine(server.Home, "backups")).Any());
        // Reads keep working while frozen.
        var check = await server.OkAsync("policy_check", new { wallet = "payer", tx = Payment(wallet, 2) });
        Assert.Equal("allow", check["decision"]!.GetValue<string>());
        Assert.Equal("incident 7: agent misbehaving", check["frozen"]!["reason"]!.GetValue<string>());
        // The refusals are on record, coded frozen.
        Assert.Contains(server.AuditEntries("transaction.sign"), entry => entry["operation"]!["errorCode"]?.GetValue<string>() == "frozen");
        Assert.Contains(server.AuditEntries("wallet.export"), entry => entry["operation"]!["errorCode"]?.GetValue<string>() == "frozen");

        var lifted = Cli(server, "unfreeze", "--yes");

        Assert.True(lifted["lifted"]!.GetValue<bool>());
        Assert.False((await server.OkAsync("server_status"))["frozen"]!.GetValue<bool>());
        var signed = await server.OkAsync("tx_sign", new { wallet = "payer", tx = Payment(wallet, 2), autofill = false });
        Assert.False(string.IsNullOrEmpty(signed["tx_blob"]!.GetValue<string>()));
        Assert.Equal(["freeze", "unfreeze"], server.AuditEntries("config.change")
            .Where(entry => entry["operation"]!["result"]!.GetValue<string>() == "success")
            .Select(entry => entry["operation"]!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Deleting_the_marker_file_does_not_unfreeze_the_running_server()
    {
        await using var server = await TestServer.StartAsync(TestServerSetup.KeyFileVault());
        var wallet = await server.OkAsync("wallet_create", new { name = "payer" });
        Cli(server, "freeze");

        File.Delete(Path.Combine(server.Home, "state", "freeze.json"));

        await server.ErrorAsync("tx_sign", new { wallet = "payer", tx = Payment(wallet, 1), autofill = false }, "frozen");
        Assert.IsType<JsonObject>((await server.OkAsync("server_status"))["frozen"]);
    }

    [Fact]
    public async Task No_tool_the_agent_can_call_freezes_or_lifts_a_freeze()
    {
        await using var server = await TestServer.StartAsync(TestServerSetup.KeyFileVault());

        var tools = await server.Client.ListToolsAsync();

        Assert.DoesNotContain(tools, tool => tool.Name.Contains("freeze", StringComparison.OrdinalIgnoreCase));
    }

    private static JsonObject Payment(JsonObject wallet, int sequence) => new()
    {
        ["TransactionType"] = "Payment",
        ["Account"] = wallet["address"]!.GetValue<string>(),
        ["Destination"] = Destination,
        ["Amount"] = "1000000",
        ["Fee"] = "12",
        ["Sequence"] = sequence,
        ["LastLedgerSequence"] = 5000,
    };

    /// <summary>Runs the CLI as its own process on the server's home and returns its JSON result, failing on an error.</summary>
    private static JsonObject Cli(TestServer server, params string[] args)
    {
        var result = CliProcess.Run(null, ["--home", server.Home, "--json", .. args]);
        Assert.True(result.ExitCode == 0, $"hsmwallet {string.Join(' ', args)} exited {result.ExitCode}: {result.Stderr}");
        return JsonNode.Parse(result.Stdout)!.AsObject();
    }
}
