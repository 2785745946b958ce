using System.Text.Json.Nodes;
using HsmWallet.Cli.Tests.Support;
using HsmWallet.Core.Tests.Fixtures;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.Cli.Tests;

/// <summary>The operator's ledger verbs against a loopback rippled stand-in: submit, wait, balance.</summary>
public sealed class LedgerCommandTests : IAsyncLifetime
{
    private const string Destination = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe";
    private readonly VaultHome _home = new();
    private RippledStandIn _ledger = null!;
    private AccountId _account;

    public Task InitializeAsync()
    {
        // Ledgers close every 1.5 s: autofill's LastLedgerSequence (20 ledgers ahead) then leaves 30 s for the process
        // starts between signing and submitting, even on a loaded machine.
        _ledger = RippledStandIn.Start(TimeSpan.FromMilliseconds(1500));
        using var seed = FamilySeed.Decode(XrplFixtures.Secret);
        using var key = XrplSigningKey.FromSeed(seed);
        _account = key.AccountId;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _ledger.DisposeAsync();
        _home.Dispose();
    }

    private string SignOffline(string amountDrops, uint sequence)
    {
        var tx = new JsonObject
        {
            ["TransactionType"] = "Payment",
            ["Account"] = _account.ToClassicAddress(),
            ["Destination"] = Destination,
            ["Amount"] = amountDrops,
            ["Fee"] = "12",
            ["Sequence"] = sequence,
            ["LastLedgerSequence"] = _ledger.CurrentLedgerIndex + 400, // room for slow process starts on a loaded machine
        };
        var file = Path.Combine(_home.Scratch, $"tx-{sequence}.json");
        File.WriteAllText(file, tx.ToJsonString());
        var signed = CliProcess.Run(XrplFixtures.Secret, "offline", "sign", "--tx", file, "--json");
        Assert.Equal(0, signed.ExitCode);
        return (string)JsonNode.Parse(signed.Stdout)!["tx_blob"]!;
    }

    [Fact]
    public void Submit_waits_for_validation_and_reports_the_final_result_and_ledger()
    {
        _ledger.Fund(_account, 100_000_000, sequence: 7);
        var blob = SignOffline("1000000", 7);

        var result = _home.RunOk(blob, "tx", "submit", "-", "--rpc-url", _ledger.HttpUri.ToString());

        Assert.Equal("tesSUCCESS", (string)result["engine_result"]!);
        Assert.True((bool)result["validated"]!);
        Assert.Equal("tesSUCCESS", (string)result["transaction_result"]!);
        Assert.True((uint)result["ledger_index"]! > 0);
        Assert.Equal(100_000_000UL - 1_000_000 - 12, _ledger.BalanceOf(_account));
    }

    [Fact]
    public void Submit_without_waiting_returns_the_preliminary_result_unvalidated()
    {
        _ledger.Fund(_account, 100_000_000, sequence: 3);

        var result = _home.RunOk(null, "tx", "submit", SignOffline("1000000", 3), "--no-wait", "--rpc-url", _ledger.HttpUri.ToString());

        Assert.Equal("tesSUCCESS", (string)result["engine_result"]!);
        Assert.False((bool)result["validated"]!);
    }

    [Fact]
    public void A_transaction_the_ledger_refuses_exits_1_with_its_code()
    {
        _ledger.Fund(_account, 100_000_000, sequence: 9);

        var result = _home.Run(null, "tx", "submit", SignOffline("1000000", 4), "--rpc-url", _ledger.HttpUri.ToString());

        Assert.Equal(1, result.ExitCode);
        var error = VaultHome.Error(result);
        Assert.Equal("ledger_error", (string)error["code"]!);
        Assert.Contains("tefPAST_SEQ", (string)error["message"]!, StringComparison.Ordinal);
    }

    private static int Occurrences(string text, string word) => (text.Length - text.Replace(word, string.Empty, StringComparison.Ordinal).Length) / word.Length;

    [Fact]
    public void Signing_after_an_unsubmitted_signature_warns_of_the_sequence_gap_and_submitting_it_first_exits_1_with_terPRE_SEQ_once()
    {
        VaultWithWallet();
        _ledger.Fund(_account, 100_000_000, sequence: 60);
        var payment = new JsonObject { ["TransactionType"] = "Payment", ["Destination"] = Destination, ["Amount"] = "1000000" };
        var rpc = _ledger.HttpUri.ToString();

        var first = _home.Run(null, "tx", "sign", "--wallet", "main", "--tx", TransactionFile(payment, "gap-1.json"), "--autofill", "--approve", "--rpc-url", rpc);
        var second = _home.Run(null, "tx", "sign", "--wallet", "main", "--tx", TransactionFile(payment, "gap-2.json"), "--autofill", "--approve", "--rpc-url", rpc);
        var secondBlob = (string)JsonNode.Parse(second.Stdout)!["tx_blob"]!;
        var submitted = _home.Run(null, "tx", "submit", secondBlob, "--no-wait", "--rpc-url", rpc);

        Assert.Equal(0, first.ExitCode);
        Assert.Empty(JsonNode.Parse(first.Stdout)!["warnings"]!.AsArray());
        Assert.DoesNotContain("warning", first.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, second.ExitCode);
        var warning = (string)Assert.Single(JsonNode.Parse(second.Stdout)!["warnings"]!.AsArray())!;
        Assert.StartsWith("Sequence 61: the transaction signed earlier for Sequence 60 has not been seen on the ledger", warning, StringComparison.Ordinal);
        Assert.Contains("hsmwallet: warning: Sequence 61:", second.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, submitted.ExitCode);
        var error = VaultHome.Error(submitted);
        Assert.Equal("ledger_error", (string)error["code"]!);
        Assert.Equal("terPRE_SEQ", (string)error["ledger_code"]!);
        Assert.Equal(1, Occurrences((string)error["message"]!, "terPRE_SEQ"));
        Assert.Equal(1, Occurrences(submitted.Stderr, "terPRE_SEQ"));
        Assert.NotNull(error["hash"]);
    }

    [Fact]
    public void Waiting_on_a_transaction_behind_a_sequence_gap_ends_in_tefMAX_LEDGER_named_once_with_exit_1()
    {
        _ledger.Fund(_account, 100_000_000, sequence: 70);
        var tx = new JsonObject
        {
            ["TransactionType"] = "Payment",
            ["Account"] = _account.ToClassicAddress(),
            ["Destination"] = Destination,
            ["Amount"] = "1000000",
            ["Fee"] = "12",
            ["Sequence"] = 71,
            ["LastLedgerSequence"] = _ledger.CurrentLedgerIndex + 20,
        };
        var signed = CliProcess.Run(XrplFixtures.Secret, "offline", "sign", "--tx", TransactionFile(tx, "behind-gap.json"), "--json");

        var result = _home.Run(null, "tx", "submit", (string)JsonNode.Parse(signed.Stdout)!["tx_blob"]!, "--rpc-url", _ledger.HttpUri.ToString());

        Assert.Equal(1, result.ExitCode);
        var error = VaultHome.Error(result);
        Assert.Equal("ledger_error", (string)error["code"]!);
        Assert.Equal("tefMAX_LEDGER", (string)error["ledger_code"]!);
        Assert.Equal(1, Occurrences((string)error["message"]!, "tefMAX_LEDGER"));
        Assert.Equal(1, Occurrences(result.Stderr, "tefMAX_LEDGER"));
    }

    [Fact]
    public void A_validated_failure_is_a_failed_operation()
    {
        _ledger.Fund(_account, 30_000_000, sequence: 1);

        var result = _home.Run(null, "tx", "submit", SignOffline("50000000", 1), "--rpc-url", _ledger.HttpUri.ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("tecUNFUNDED_PAYMENT", (string)VaultHome.Error(result)["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void Balance_reports_what_a_vault_wallet_holds_and_can_spend()
    {
        _home.RunOk(null, "init", "--unlocker", "keyfile");
        _home.RunOk(XrplFixtures.Secret + "\n", "wallet", "import", "--name", "main");
        _ledger.Fund(_account, 25_000_000, sequence: 11);
        _ledger.CloseLedger();

        var balance = _home.RunOk(null, "wallet", "balance", "--wallet", "main", "--rpc-url", _ledger.HttpUri.ToString());

        Assert.Equal(_account.ToClassicAddress(), (string)balance["address"]!);
        Assert.Equal("25000000", (string)balance["balance_drops"]!);
        Assert.Equal("1000000", (string)balance["reserve_drops"]!);
        Assert.Equal("24000000", (string)balance["available_drops"]!);
        Assert.Equal(11u, (uint)balance["sequence"]!);
    }

    [Fact]
    public void An_unreachable_ledger_is_a_clear_ledger_error()
    {
        var result = _home.Run(null, "tx", "submit", SignOffline("1000000", 1), "--no-wait", "--rpc-url", $"http://127.0.0.1:{RippledStandIn.FreePort()}/");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("ledger_error", (string)VaultHome.Error(result)["code"]!);
    }

    private string TransactionFile(JsonObject tx, string name)
    {
        var file = Path.Combine(_home.Scratch, name);
        File.WriteAllText(file, tx.ToJsonString());
        return file;
    }

    private void VaultWithWallet()
    {
        _home.RunOk(null, "init", "--unlocker", "keyfile");
        _home.RunOk(XrplFixtures.Secret + "\n", "wallet", "import", "--name", "main");
    }

    [Fact]
    public void Sign_with_autofill_fills_fee_sequence_and_last_ledger_and_the_ledger_validates_it()
    {
        VaultWithWallet();
        _ledger.Fund(_account, 100_000_000, sequence: 21);
        _ledger.OpenLedgerFee = 15;
        var file = TransactionFile(new JsonObject { ["TransactionType"] = "Payment", ["Destination"] = Destination, ["Amount"] = "2000000" }, "autofill.json");

        var before = _ledger.CurrentLedgerIndex;

        // A custom URL gets the mainnet rules (it may be a mainnet node): a new destination needs the operator.
        var signed = _home.RunOk(null, "tx", "sign", "--wallet", "main", "--tx", file, "--autofill", "--approve", "--rpc-url", _ledger.HttpUri.ToString());
        var after = _ledger.CurrentLedgerIndex;
        var decoded = _home.RunOk(null, "tx", "decode", (string)signed["tx_blob"]!);
        var submitted = _home.RunOk(null, "tx", "submit", (string)signed["tx_blob"]!, "--rpc-url", _ledger.HttpUri.ToString());

        Assert.Equal(_account.ToClassicAddress(), (string)decoded["Account"]!);
        Assert.Equal(21u, (uint)decoded["Sequence"]!);
        Assert.Equal("15", (string)decoded["Fee"]!);
        Assert.InRange((uint)decoded["LastLedgerSequence"]!, before + 20, after + 20);
        Assert.Equal("tesSUCCESS", (string)submitted["transaction_result"]!);
    }

    [Fact]
    public void Signing_a_second_transaction_for_a_used_sequence_is_refused()
    {
        VaultWithWallet();
        var first = new JsonObject { ["TransactionType"] = "Payment", ["Account"] = _account.ToClassicAddress(), ["Destination"] = Destination, ["Amount"] = "1000", ["Fee"] = "12", ["Sequence"] = 30 };
        var second = (JsonObject)first.DeepClone();
        second["Amount"] = "2000";

        _home.RunOk(null, "tx", "sign", "--wallet", "main", "--tx", TransactionFile(first, "first.json"));
        var again = _home.RunOk(null, "tx", "sign", "--wallet", "main", "--tx", TransactionFile(first, "first.json"));
        var refused = _home.Run(null, "tx", "sign", "--wallet", "main", "--tx", TransactionFile(second, "second.json"));

        Assert.NotNull(again["tx_blob"]);
        Assert.Equal(2, refused.ExitCode);
        Assert.StartsWith("Sequence:", (string)VaultHome.Error(refused)["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void A_payment_the_policy_sends_to_a_human_is_signed_only_with_the_operators_approval()
    {
        VaultWithWallet();
        var large = new JsonObject { ["TransactionType"] = "Payment", ["Account"] = _account.ToClassicAddress(), ["Destination"] = Destination, ["Amount"] = "20000000000", ["Fee"] = "12", ["Sequence"] = 40 };
        var file = TransactionFile(large, "large.json");

        var refused = _home.Run(null, "tx", "sign", "--wallet", "main", "--tx", file);
        var approved = _home.RunOk(null, "tx", "sign", "--wallet", "main", "--tx", file, "--approve");

        Assert.Equal(1, refused.ExitCode);
        Assert.Equal("approval_declined", (string)VaultHome.Error(refused)["code"]!);
        Assert.NotNull(approved["tx_blob"]);
    }

    [Fact]
    public void A_payment_the_policy_denies_is_never_signed_and_the_reasons_are_given()
    {
        VaultWithWallet();
        var costly = new JsonObject { ["TransactionType"] = "Payment", ["Account"] = _account.ToClassicAddress(), ["Destination"] = Destination, ["Amount"] = "1000", ["Fee"] = "3000000", ["Sequence"] = 50 };

        var refused = _home.Run(null, "tx", "sign", "--wallet", "main", "--tx", TransactionFile(costly, "costly.json"), "--approve");

        Assert.Equal(1, refused.ExitCode);
        var error = VaultHome.Error(refused);
        Assert.Equal("policy_denied", (string)error["code"]!);
        Assert.Contains(error["reasons"]!.AsArray(), reason => (string)reason!["rule"]! == "max_fee");
        Assert.DoesNotContain("tx_blob", refused.Stdout, StringComparison.Ordinal);
    }
}
