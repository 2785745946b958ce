using System.Text.Json.Nodes;
using HsmWallet.Cli.Tests.Support;
using HsmWallet.McpServer.Tests.Support;

namespace HsmWallet.McpServer.Tests;

/// <summary>
/// The CLI and the MCP server are two adapters over one application layer: the same operation on the same home gives
/// the same result and the same audit entry, whichever front end asked (the CLI runs as a real process, the MCP server
/// in process through the SDK client, both on one home).
/// </summary>
public sealed class FrontEndEquivalenceTests
{
    private const string Destination = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe";
    private const string ApproveAboveOneXrp = """{"version":1,"networks":{"testnet":{"default":{"max_per_transaction":{"XRP":"1"}}}}}""";

    private static TestServerSetup Setup(string? policy = null) => TestServerSetup.KeyFileVault(policy) with { Elicit = _ => Approvals.Accept() };

    [Fact]
    public async Task Create_describes_the_wallet_alike_and_each_front_end_sees_the_others_wallet()
    {
        await using var server = await TestServer.StartAsync(Setup());

        var viaMcp = await server.OkAsync("wallet_create", new { name = "via-mcp" });
        var viaCli = Cli(server, null, "wallet", "create", "--name", "via-cli");

        Assert.Equal(["address", "key_type", "name", "network", "public_key"], Fields(viaMcp));
        // The operator's CLI may add what only an operator reads (when it was created); every field the agent gets is there alike.
        Assert.Empty(Fields(viaMcp).Except(Fields(viaCli)));
        Assert.Equal(viaMcp["key_type"]!.GetValue<string>(), viaCli["key_type"]!.GetValue<string>());
        Assert.Equal(viaMcp["network"]!.GetValue<string>(), viaCli["network"]!.GetValue<string>());
        var listedByMcp = (await server.OkAsync("wallet_list"))["wallets"]!.AsArray().Select(wallet => wallet!["address"]!.GetValue<string>());
        var listedByCli = Cli(server, null, "wallet", "list")["wallets"]!.AsArray().Select(wallet => wallet!["address"]!.GetValue<string>());
        Assert.Equal(listedByMcp.Order(StringComparer.Ordinal), listedByCli.Order(StringComparer.Ordinal));
        Assert.Contains(viaCli["address"]!.GetValue<string>(), listedByMcp);
        Assert.Equal(SuccessShapes(server, "wallet.create", "via-mcp"), SuccessShapes(server, "wallet.create", "via-cli"));
    }

    [Fact]
    public async Task An_export_from_either_front_end_restores_exactly_that_wallet()
    {
        await using var server = await TestServer.StartAsync(Setup());
        var wallet = await server.OkAsync("wallet_create", new { name = "saved" });
        _ = await server.OkAsync("wallet_create", new { name = "other" });
        using var scratch = new ScratchDirectory();
        var password = scratch.Write("backup-password", "a long backup password");
        File.SetUnixFileMode(password, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var viaMcp = await server.OkAsync("wallet_export", new { wallet = "saved", file_name = "saved.json" });
        var viaCli = Cli(server, null, "wallet", "export", "--name", "saved", "--out", System.IO.Path.Combine(scratch.Path, "saved-cli.json"), "--backup-password-file", password, "--yes");

        Assert.Equal(["path", "sha256"], Fields(viaMcp));
        Assert.Equal(Fields(viaMcp), Fields(viaCli));
        // The agent's backup opens with what opens this vault (its key file); the operator's with its own password.
        var restoredByMcpExport = Restore(scratch, "from-mcp", viaMcp["path"]!.GetValue<string>(), []);
        var restoredByCliExport = Restore(scratch, "from-cli", viaCli["path"]!.GetValue<string>(), ["--password-file", password]);
        Assert.Equal([wallet["address"]!.GetValue<string>()], restoredByMcpExport);
        Assert.Equal(restoredByMcpExport, restoredByCliExport);
        Assert.Equal(2, server.AuditEntries("wallet.export").Count(entry => entry["operation"]!["result"]!.GetValue<string>() == "success"));
    }

    [Fact]
    public async Task A_delete_from_either_front_end_removes_the_wallet_after_a_human_said_yes()
    {
        await using var server = await TestServer.StartAsync(Setup());
        _ = await server.OkAsync("wallet_create", new { name = "first" });
        _ = await server.OkAsync("wallet_create", new { name = "second" });

        var viaMcp = await server.OkAsync("wallet_delete", new { wallet = "first" });
        var refused = CliProcess.Run(null, "--home", server.Home, "--json", "wallet", "delete", "--name", "second");
        var viaCli = Cli(server, null, "wallet", "delete", "--name", "second", "--yes");

        Assert.NotEqual(0, refused.ExitCode);
        Assert.True(viaMcp["deleted"]!.GetValue<bool>());
        Assert.True(viaCli["deleted"]!.GetValue<bool>());
        Assert.Empty((await server.OkAsync("wallet_list"))["wallets"]!.AsArray());
        Assert.Equal(SuccessShapes(server, "wallet.delete", "first"), SuccessShapes(server, "wallet.delete", "second"));
    }

    [Fact]
    public async Task The_same_approved_payment_signs_to_the_same_blob_on_both_front_ends()
    {
        await using var server = await TestServer.StartAsync(Setup(ApproveAboveOneXrp));
        var wallet = await server.OkAsync("wallet_create", new { name = "payer" });
        var payment = Payment(wallet);
        using var scratch = new ScratchDirectory();
        var file = scratch.Write("payment.json", payment.ToJsonString());

        var viaMcp = await server.OkAsync("tx_sign", new { wallet = "payer", tx = payment, autofill = false });
        var unapproved = CliProcess.Run(null, "--home", server.Home, "--json", "tx", "sign", "--wallet", "payer", "--tx", file);
        var viaCli = Cli(server, null, "tx", "sign", "--wallet", "payer", "--tx", file, "--approve");

        Assert.Equal("approve", viaMcp["decision"]!.GetValue<string>());
        Assert.Equal("approval_declined", JsonNode.Parse(unapproved.Stdout)!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(viaMcp["tx_blob"]!.GetValue<string>(), viaCli["tx_blob"]!.GetValue<string>());
        Assert.Equal(viaMcp["hash"]!.GetValue<string>(), viaCli["hash"]!.GetValue<string>());
        var signed = server.AuditEntries("transaction.sign").Where(entry => entry["operation"]!["result"]!.GetValue<string>() == "success").ToList();
        Assert.Equal(2, signed.Count);
        Assert.Equal(["elicitation", "operator"], signed.Select(entry => entry["operation"]!["parameters"]!["approved_via"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_policy_check_reads_the_transaction_alike_on_both_front_ends()
    {
        await using var server = await TestServer.StartAsync(Setup(ApproveAboveOneXrp));
        var wallet = await server.OkAsync("wallet_create", new { name = "payer" });
        var payment = Payment(wallet);
        using var scratch = new ScratchDirectory();
        var file = scratch.Write("payment.json", payment.ToJsonString());

        var viaMcp = await server.OkAsync("policy_check", new { wallet = "payer", tx = payment });
        var viaCli = Cli(server, null, "policy", "check", "--wallet", "payer", "--tx", file);

        Assert.Equal("approve", viaMcp["decision"]!.GetValue<string>());
        Assert.Equal(viaMcp["decision"]!.GetValue<string>(), viaCli["decision"]!.GetValue<string>());
        Assert.Equal(Rules(viaMcp), Rules(viaCli));
        Assert.True(JsonNode.DeepEquals(viaMcp["effects"], viaCli["effects"]), $"{viaMcp["effects"]} vs {viaCli["effects"]}");
    }

    /// <summary>5 XRP from <paramref name="wallet"/>, filled by hand (no ledger): above the 1 XRP the tests' policy lets through unasked.</summary>
    private static JsonObject Payment(JsonObject wallet) => new()
    {
        ["TransactionType"] = "Payment",
        ["Account"] = wallet["address"]!.GetValue<string>(),
        ["Destination"] = Destination,
        ["Amount"] = "5000000",
        ["Fee"] = "12",
        ["Sequence"] = 1,
        ["LastLedgerSequence"] = 5000,
    };

    /// <summary>Runs the CLI on the server's home (its key-file slot opens it) and returns its JSON result, failing on an error.</summary>
    private static JsonObject Cli(TestServer server, string? stdin, params string[] args)
    {
        var result = CliProcess.Run(stdin, ["--home", server.Home, "--json", .. args]);
        Assert.True(result.ExitCode == 0, $"hsmwallet {string.Join(' ', args)} exited {result.ExitCode}: {result.Stderr}");
        return JsonNode.Parse(result.Stdout)!.AsObject();
    }

    /// <summary>
    /// Copies a backup into a new home as its vault, starts its failed-unlock record as a restore on a new machine does
    /// (docs/vault-format.md: else a password slot waits one lockout period), and lists it through the CLI.
    /// </summary>
    private static List<string> Restore(ScratchDirectory scratch, string name, string backup, string[] secrets)
    {
        var home = Path.Combine(scratch.Path, name);
        Directory.CreateDirectory(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.Copy(backup, Path.Combine(home, "vault.json"));
        new HsmWallet.Core.Unlocking.Lockout.LockoutGuard(Path.Combine(home, "state")).Initialize();
        var listed = CliProcess.Run(null, ["--home", home, "--json", .. secrets, "wallet", "list"]);
        Assert.True(listed.ExitCode == 0, listed.Stderr);
        return [.. JsonNode.Parse(listed.Stdout)!["wallets"]!.AsArray().Select(wallet => wallet!["address"]!.GetValue<string>())];
    }

    private static List<string> Fields(JsonObject result) => [.. result.Select(pair => pair.Key).Order(StringComparer.Ordinal)];

    private static List<string> Rules(JsonObject result) => [.. result["reasons"]!.AsArray().Select(reason => reason!["rule"]!.GetValue<string>()).Order(StringComparer.Ordinal)];

    /// <summary>The shape of the success entry for one wallet: its result and the names of its parameters (values differ by wallet).</summary>
    private static string SuccessShapes(TestServer server, string eventType, string wallet)
    {
        var entry = Assert.Single(server.AuditEntries(eventType), entry =>
            entry["operation"]!["result"]!.GetValue<string>() == "success"
            && entry["operation"]!["parameters"]!["name"]?.GetValue<string>() == wallet);
        return string.Join(',', entry["operation"]!["parameters"]!.AsObject().Select(pair => pair.Key).Order(StringComparer.Ordinal));
    }
}
