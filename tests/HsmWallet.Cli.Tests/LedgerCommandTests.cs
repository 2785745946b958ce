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
        _ledger = RippledStandIn.Start(TimeSpan.FromMilliseconds(200));
        using var seed = FamilySeed.Decode(Fixtures.Secret);
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
            ["LastLedgerSequence"] = _ledger.CurrentLedgerIndex + 20,
        };
        var file = Path.Combine(_home.Scratch, $"tx-{sequence}.json");
        File.WriteAllText(file, tx.ToJsonString());
        var signed = CliProcess.Run(Fixtures.Secret, "offline", "sign", "--tx", file, "--json");
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
        _home.RunOk(Fixtures.Secret + "\n", "wallet", "import", "--name", "main");
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
}
