using HsmWallet.Core.Ledger;
using HsmWallet.Core.Tests.Fixtures;

namespace HsmWallet.Core.Tests.Ledger;

public sealed class SubmitAndWaitTests
{
    private static readonly LedgerClientOptions Options = new()
    {
        RequestTimeout = TimeSpan.FromSeconds(5),
        MaxRetries = 1,
        RetryDelay = TimeSpan.FromMilliseconds(10),
        PollInterval = TimeSpan.FromMilliseconds(20),
        MaxWait = TimeSpan.FromSeconds(30),
    };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_payment_is_followed_to_its_validated_result(bool webSocket)
    {
        await using var standIn = RippledStandIn.Start(TimeSpan.FromMilliseconds(50));
        using var wallet = new LedgerTestWallet();
        standIn.Fund(wallet.Address, 50_000_000);
        using var client = new LedgerClient(standIn.Network(webSocket: webSocket), Options);

        var result = await new TransactionSubmitter(client).SubmitAsync(
            wallet.Sign(wallet.Filled(1_000_000, 1, standIn.CurrentLedgerIndex + 20)), wait: true, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal("tesSUCCESS", result.TransactionResult);
        Assert.NotNull(result.LedgerIndex);
        Assert.Equal("1000000", result.DeliveredAmount!.GetValue<string>());
        Assert.Equal(48_999_990UL, standIn.BalanceOf(wallet.Address));
    }

    [Fact]
    public async Task A_broken_ledger_stream_falls_back_to_polling_and_still_reports_the_result()
    {
        await using var standIn = RippledStandIn.Start();
        using var wallet = new LedgerTestWallet();
        standIn.Fund(wallet.Address, 50_000_000);
        using var client = new LedgerClient(standIn.Network(), Options with { StreamStallTimeout = TimeSpan.FromMilliseconds(200) });
        var waiting = new TransactionSubmitter(client).SubmitAsync(
            wallet.Sign(wallet.Filled(7, 1, standIn.CurrentLedgerIndex + 50)), wait: true, CancellationToken.None);
        for (var i = 0; i < 500 && standIn.SubmitCount == 0; i++)
        {
            await Task.Delay(10);
        }

        standIn.DropWebSockets();
        for (var i = 0; i < 40 && !waiting.IsCompleted; i++)
        {
            standIn.CloseLedger();
            await Task.WhenAny(waiting, Task.Delay(50));
        }

        var result = await waiting;
        Assert.True(result.Succeeded);
        Assert.Equal("7", result.DeliveredAmount!.GetValue<string>());
    }

    [Fact]
    public async Task An_unfunded_payment_reports_the_final_tec_result_from_the_metadata()
    {
        await using var standIn = RippledStandIn.Start(TimeSpan.FromMilliseconds(50));
        using var wallet = new LedgerTestWallet();
        standIn.Fund(wallet.Address, 1_000_000);
        using var client = new LedgerClient(standIn.Network(), Options);

        var result = await new TransactionSubmitter(client).SubmitAsync(
            wallet.Sign(wallet.Filled(5_000_000, 1, standIn.CurrentLedgerIndex + 20)), wait: true, CancellationToken.None);

        Assert.True(result.Validated);
        Assert.False(result.Succeeded);
        Assert.Equal("tecUNFUNDED_PAYMENT", result.TransactionResult);
        Assert.Null(result.DeliveredAmount);
    }

    [Fact]
    public async Task A_past_sequence_fails_clearly()
    {
        await using var standIn = RippledStandIn.Start();
        using var wallet = new LedgerTestWallet();
        standIn.Fund(wallet.Address, 50_000_000, sequence: 9);
        using var client = new LedgerClient(standIn.Network(), Options);

        var error = await Assert.ThrowsAsync<LedgerException>(() => new TransactionSubmitter(client).SubmitAsync(
            wallet.Sign(wallet.Filled(1, 8, standIn.CurrentLedgerIndex + 20)), wait: true, CancellationToken.None));

        Assert.Equal("tefPAST_SEQ", error.Code);
    }

    [Fact]
    public async Task An_insufficient_fee_fails_clearly()
    {
        await using var standIn = RippledStandIn.Start();
        standIn.OpenLedgerFee = 5000;
        using var wallet = new LedgerTestWallet();
        standIn.Fund(wallet.Address, 50_000_000);
        using var client = new LedgerClient(standIn.Network(), Options);

        var error = await Assert.ThrowsAsync<LedgerException>(() => new TransactionSubmitter(client).SubmitAsync(
            wallet.Sign(wallet.Filled(1, 1, standIn.CurrentLedgerIndex + 20)), wait: false, CancellationToken.None));

        Assert.Equal("telINSUF_FEE_P", error.Code);
    }

    [Fact]
    public async Task A_passed_last_ledger_sequence_fails_at_submit()
    {
        await using var standIn = RippledStandIn.Start();
        using var wallet = new LedgerTestWallet();
        standIn.Fund(wallet.Address, 50_000_000);
        using var client = new LedgerClient(standIn.Network(), Options);

        var error = await Assert.ThrowsAsync<LedgerException>(() => new TransactionSubmitter(client).SubmitAsync(
            wallet.Sign(wallet.Filled(1, 1, standIn.CurrentLedgerIndex - 1)), wait: true, CancellationToken.None));

        Assert.Equal("tefMAX_LEDGER", error.Code);
    }

    [Fact]
    public async Task A_held_transaction_whose_gap_never_fills_expires_at_its_last_ledger()
    {
        await using var standIn = RippledStandIn.Start(TimeSpan.FromMilliseconds(30));
        using var wallet = new LedgerTestWallet();
        standIn.Fund(wallet.Address, 50_000_000);
        using var client = new LedgerClient(standIn.Network(), Options);

        var error = await Assert.ThrowsAsync<LedgerException>(() => new TransactionSubmitter(client).SubmitAsync(
            wallet.Sign(wallet.Filled(1, 2, standIn.CurrentLedgerIndex + 3)), wait: true, CancellationToken.None));

        Assert.Equal("tefMAX_LEDGER", error.Code);
        Assert.Equal(1U, standIn.SequenceOf(wallet.Address));
    }

    [Fact]
    public async Task A_pre_sequence_transaction_proceeds_and_validates_once_the_gap_fills()
    {
        await using var standIn = RippledStandIn.Start(TimeSpan.FromMilliseconds(50));
        using var wallet = new LedgerTestWallet();
        standIn.Fund(wallet.Address, 50_000_000);
        using var client = new LedgerClient(standIn.Network(), Options);
        var submitter = new TransactionSubmitter(client);
        var last = standIn.CurrentLedgerIndex + 40;

        var later = await submitter.SubmitAsync(wallet.Sign(wallet.Filled(2, 2, last)), wait: false, CancellationToken.None);
        var first = await submitter.SubmitAsync(wallet.Sign(wallet.Filled(1, 1, last)), wait: true, CancellationToken.None);
        var laterFinal = await submitter.SubmitAsync(wallet.Sign(wallet.Filled(2, 2, last)), wait: true, CancellationToken.None);

        Assert.Equal("terPRE_SEQ", later.EngineResult);
        Assert.True(first.Succeeded);
        Assert.True(laterFinal.Succeeded);
        Assert.Equal(3U, standIn.SequenceOf(wallet.Address));
    }
}
