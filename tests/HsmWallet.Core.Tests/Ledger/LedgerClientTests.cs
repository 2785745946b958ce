using HsmWallet.Core.Ledger;
using HsmWallet.Core.Tests.Fixtures;

namespace HsmWallet.Core.Tests.Ledger;

public sealed class LedgerClientTests
{
    // Generous per request: a stand-in's first answer on a busy machine can take seconds; a refused
    // connection fails at once whatever the timeout, and the hanging-endpoint test sets its own.
    private static readonly LedgerClientOptions Quick = new()
    {
        RequestTimeout = TimeSpan.FromSeconds(15),
        MaxRetries = 2,
        RetryDelay = TimeSpan.FromMilliseconds(10),
    };

    [Fact]
    public async Task A_ledger_error_surfaces_with_the_ledgers_own_code()
    {
        await using var standIn = RippledStandIn.Start();
        using var client = new LedgerClient(standIn.Network(), Quick);
        using var wallet = new LedgerTestWallet();

        var error = await Assert.ThrowsAsync<LedgerException>(() => client.AccountInfoAsync(wallet.Address, "current", CancellationToken.None));

        Assert.Equal("actNotFound", error.Code);
        Assert.Equal("actNotFound: Account not found.", error.Message);
        Assert.Equal(0, standIn.SubmitCount);
    }

    [Fact]
    public async Task Fails_over_to_the_next_endpoint_when_the_first_refuses_connections()
    {
        await using var standIn = RippledStandIn.Start();
        var refusing = new Uri($"http://127.0.0.1:{RippledStandIn.FreePort()}/");
        var network = new LedgerNetwork("testnet", 1, [refusing, standIn.HttpUri], []);
        using var client = new LedgerClient(network, Quick);

        var info = await client.ServerInfoAsync(CancellationToken.None);

        Assert.Equal("stand-in", info["info"]!["build_version"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_hanging_endpoint_times_out()
    {
        using var hanging = new HangingEndpoint();
        using var client = new LedgerClient(new LedgerNetwork("testnet", 1, [hanging.Uri], []), Quick with { RequestTimeout = TimeSpan.FromMilliseconds(500), MaxRetries = 1 });

        var error = await Assert.ThrowsAsync<LedgerException>(() => client.FeeAsync(CancellationToken.None));

        Assert.Equal("timeout", error.Code);
    }

    [Fact]
    public async Task Reads_fee_current_ledger_account_and_network_id()
    {
        await using var standIn = RippledStandIn.Start();
        standIn.NetworkId = 21338;
        standIn.OpenLedgerFee = 12;
        using var wallet = new LedgerTestWallet();
        standIn.Fund(wallet.Address, 50_000_000, sequence: 5);
        using var client = new LedgerClient(LedgerNetwork.Custom(standIn.HttpUri), Quick);

        var fee = await client.FeeAsync(CancellationToken.None);
        var account = await client.AccountInfoAsync(wallet.Address, "validated", CancellationToken.None);

        Assert.Equal((10UL, 12UL, standIn.CurrentLedgerIndex), (fee.BaseFeeDrops, fee.OpenLedgerFeeDrops, fee.LedgerCurrentIndex));
        Assert.Equal((50_000_000UL, 5U), (account.BalanceDrops, account.Sequence));
        Assert.Equal(standIn.CurrentLedgerIndex, await client.LedgerCurrentIndexAsync(CancellationToken.None));
        Assert.Equal(21338U, await client.NetworkIdAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_websocket_url_carries_requests_errors_and_the_whole_submit_and_wait()
    {
        await using var standIn = RippledStandIn.Start(TimeSpan.FromMilliseconds(50));
        using var wallet = new LedgerTestWallet();
        using var client = new LedgerClient(LedgerNetwork.Custom(standIn.WebSocketUri), Quick);

        var error = await Assert.ThrowsAsync<LedgerException>(() => client.AccountInfoAsync(wallet.Address, "current", CancellationToken.None));
        standIn.Fund(wallet.Address, 50_000_000, sequence: 4);
        var account = await client.AccountInfoAsync(wallet.Address, "current", CancellationToken.None);
        var result = await new TransactionSubmitter(client).SubmitAsync(
            wallet.Sign(wallet.Filled(3, 4, standIn.CurrentLedgerIndex + 20)), wait: true, CancellationToken.None);

        Assert.Equal("actNotFound", error.Code);
        Assert.Equal(4U, account.Sequence);
        Assert.Equal(1U, await client.NetworkIdAsync(CancellationToken.None));
        Assert.True(result.Succeeded);
    }

    [Fact]
    public async Task Account_transactions_come_in_pages_with_a_marker()
    {
        await using var standIn = RippledStandIn.Start();
        using var wallet = new LedgerTestWallet();
        standIn.Fund(wallet.Address, 50_000_000);
        using var client = new LedgerClient(standIn.Network(), Quick);
        for (uint sequence = 1; sequence <= 3; sequence++)
        {
            await client.SubmitAsync(wallet.Sign(wallet.Filled(1000, sequence, 2000)), CancellationToken.None);
        }

        standIn.CloseLedger();

        var first = await client.AccountTransactionsAsync(wallet.Address, 2, null, CancellationToken.None);
        var second = await client.AccountTransactionsAsync(wallet.Address, 2, first.Marker, CancellationToken.None);

        Assert.Equal(2, first.Transactions.Count);
        Assert.NotNull(first.Marker);
        Assert.Single(second.Transactions);
        Assert.Null(second.Marker);
    }
}
