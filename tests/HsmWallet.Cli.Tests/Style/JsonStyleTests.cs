using System.Text.Json.Nodes;
using HsmWallet.Cli.Tests.Support;
using HsmWallet.Core.Tests.Fixtures;
using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.Cli.Tests.Style;

/// <summary>One JSON style across the CLI: every --json output, results and errors alike.</summary>
public sealed class JsonStyleTests : IAsyncLifetime
{
    private const string Destination = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe";
    private readonly VaultHome _home = new();
    private readonly VaultHome _locked = new();
    private RippledStandIn _ledger = null!;

    public Task InitializeAsync()
    {
        _ledger = RippledStandIn.Start(TimeSpan.FromMilliseconds(500));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _ledger.DisposeAsync();
        _home.Dispose();
        _locked.Dispose();
    }

    [Fact]
    public void Every_json_output_of_every_command_has_snake_case_names_and_times_in_utc_with_z()
    {
        using var seed = FamilySeed.Decode(XrplFixtures.Secret);
        using var key = XrplSigningKey.FromSeed(seed);
        var account = key.AccountId.ToClassicAddress();
        _ledger.Fund(key.AccountId, 100_000_000, sequence: 5);
        var rpc = _ledger.HttpUri.ToString();
        var password = _home.SecretFile("password", "correct horse battery\n");
        var backup = _home.SecretFile("backup", "backup horse battery\n");
        var payment = _home.SecretFile("payment.json", new JsonObject
        {
            ["TransactionType"] = "Payment",
            ["Account"] = account,
            ["Destination"] = Destination,
            ["Amount"] = "1000",
            ["Fee"] = "12",
            ["Sequence"] = 5,
            ["LastLedgerSequence"] = 5000,
        }.ToJsonString());
        var autofill = _home.SecretFile("autofill.json", new JsonObject { ["TransactionType"] = "Payment", ["Destination"] = Destination, ["Amount"] = "1000" }.ToJsonString());

        var outputs = new List<(string Command, CliProcess.Result Result)>();
        void Run(string? stdin, params string[] args) => outputs.Add((string.Join(' ', args), _home.Run(stdin, args)));

        Run(null, "init", "--unlocker", "keyfile");
        Run(null, ["slot", "add", "--unlocker", "password", "--new-password-file", password, .. VaultHome.CheapKdf]);
        Run(XrplFixtures.Secret + "\n", "wallet", "import", "--name", "main");
        Run(null, "wallet", "create", "--name", "fresh");
        Run(null, "wallet", "create", "--name", "main");
        Run(null, "wallet", "list");
        Run(null, "wallet", "limit");
        Run(null, "wallet", "balance", "--wallet", "main", "--rpc-url", rpc);
        Run(null, "wallet", "export", "--name", "fresh", "--out", Path.Combine(_home.Scratch, "fresh.backup"), "--backup-password-file", backup, "--yes");
        Run(null, "wallet", "delete", "--name", "fresh", "--yes");
        Run(null, "wallet", "delete", "--name", "nobody", "--yes");
        Run(null, "slot", "list");
        Run(null, "slot", "test");
        Run(null, "slot", "remove", "99");
        Run(null, "status");
        Run(null, "policy", "show");
        Run(null, "policy", "set", Path.Combine(_home.Scratch, "missing.json"));
        Run(null, "approve", "list");
        Run(null, "approve", "deny", "apv_0123456789abcdef");
        Run(null, "audit", "verify");
        Run(null, "audit", "show", "--last", "100");
        Run(null, "state", "reseal");
        Run(XrplFixtures.Secret, "offline", "derive");
        Run(XrplFixtures.Secret, "offline", "sign", "--tx", payment);
        Run(XrplFixtures.Secret, "offline", "sign", "--tx", payment, "--multisign");
        Run(null, "offline", "combine", payment);
        Run(null, "tx", "encode", payment);
        Run(null, "tx", "sign", "--wallet", "main", "--tx", autofill, "--autofill", "--approve", "--rpc-url", rpc);
        var blob = (string)JsonNode.Parse(outputs[^1].Result.Stdout)!["tx_blob"]!;
        Run(null, "tx", "submit", blob, "--rpc-url", rpc);
        Run(null, "tx", "submit", blob, "--no-wait", "--rpc-url", rpc);
        Run(null, "tx", "submit", "zz");
        Run(null, "tx", "decode", "zz");
        Run(null, "token", "list", "--module", Path.Combine(_home.Scratch, "no-module.so"));
        Run(null, "tpm", "status", "--tcti", $"swtpm:host=127.0.0.1,port={RippledStandIn.FreePort()}");
        Run(null, "init", "--unlocker", "keyfile");
        Run(null, "wallet", "list", "--bogus-option");

        // A lockout: its error and status both carry the time it ends.
        var wrong = _locked.SecretFile("wrong", "not the password\n");
        var right = _locked.SecretFile("right", "correct horse battery\n");
        _locked.RunOk(null, ["init", "--unlocker", "password", "--password-file", right, .. VaultHome.CheapKdf]);
        for (var attempt = 0; attempt < 6; attempt++)
        {
            outputs.Add(("wallet list (wrong password)", _locked.Run(null, "wallet", "list", "--password-file", wrong)));
        }

        outputs.Add(("status (locked)", _locked.Run(null, "status")));

        var problems = new List<string>();
        foreach (var (command, result) in outputs)
        {
            var parsed = JsonNode.Parse(result.Stdout);
            problems.AddRange(JsonStyleCheck.Problems(parsed).Select(problem => $"{command}: {problem}"));
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        Assert.Contains(outputs, output => output.Result.ExitCode == 0 && output.Command == "tx sign --wallet main --tx " + autofill + " --autofill --approve --rpc-url " + rpc);
        Assert.Contains(outputs, output => output.Result.ExitCode != 0 && output.Command.StartsWith("wallet create --name main", StringComparison.Ordinal));
        var locked = JsonNode.Parse(outputs[^1].Result.Stdout)!;
        Assert.EndsWith("Z", (string)locked["lockout"]!["locked_until"]!, StringComparison.Ordinal);
        Assert.EndsWith("Z", (string)VaultHome.Error(outputs[^2].Result)["locked_until"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void Quotes_and_backticks_in_messages_are_printed_as_typed_not_as_unicode_escapes()
    {
        var result = _home.Run(null, "wallet", "list", "--`quoted\"'");

        Assert.Equal(2, result.ExitCode);
        Assert.DoesNotContain("\\u00", result.Stdout, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("--`quoted\\\"'", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("--`quoted\"'", (string)VaultHome.Error(result)["message"]!, StringComparison.Ordinal);
    }
}
