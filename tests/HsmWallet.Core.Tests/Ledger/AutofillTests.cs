using HsmWallet.Core.Ledger;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Tests.Fixtures;

namespace HsmWallet.Core.Tests.Ledger;

public sealed class AutofillTests
{
    private static readonly LedgerClientOptions Options = new() { MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(10) };

    [Fact]
    public async Task Fills_fee_sequence_and_last_ledger_from_the_ledger()
    {
        await using var standIn = RippledStandIn.Start();
        standIn.OpenLedgerFee = 15;
        using var wallet = new LedgerTestWallet();
        standIn.Fund(wallet.Address, 50_000_000, sequence: 7);
        using var client = new LedgerClient(standIn.Network(), Options);

        var tx = await new TransactionAutofiller(client, SigningState.InMemory()).AutofillAsync(wallet.Payment(1), wallet.Address, null, CancellationToken.None);

        Assert.Equal("15", tx["Fee"]!.GetValue<string>());
        Assert.Equal(7U, tx["Sequence"]!.GetValue<uint>());
        Assert.Equal(standIn.CurrentLedgerIndex + 20, tx["LastLedgerSequence"]!.GetValue<uint>());
        Assert.False(tx.ContainsKey("NetworkID"));
    }

    [Fact]
    public async Task Caps_the_fee_at_the_policy_maximum_and_adds_NetworkID_above_1024()
    {
        await using var standIn = RippledStandIn.Start();
        standIn.NetworkId = 21338;
        standIn.OpenLedgerFee = 900_000;
        using var wallet = new LedgerTestWallet();
        standIn.Fund(wallet.Address, 50_000_000);
        using var client = new LedgerClient(LedgerNetwork.Custom(standIn.HttpUri), Options);

        var tx = await new TransactionAutofiller(client, SigningState.InMemory()).AutofillAsync(wallet.Payment(1), wallet.Address, 500_000, CancellationToken.None);

        Assert.Equal("500000", tx["Fee"]!.GetValue<string>());
        Assert.Equal(21338U, tx["NetworkID"]!.GetValue<uint>());
    }

    [Fact]
    public async Task A_url_that_claims_testnet_but_serves_another_chain_is_refused_before_anything_is_filled()
    {
        await using var standIn = RippledStandIn.Start();
        standIn.NetworkId = 0;
        using var wallet = new LedgerTestWallet();
        standIn.Fund(wallet.Address, 50_000_000, sequence: 7);
        using var client = new LedgerClient(LedgerNetwork.CustomOf("testnet", standIn.HttpUri), Options);

        var error = await Assert.ThrowsAsync<LedgerException>(() =>
            new TransactionAutofiller(client, SigningState.InMemory()).AutofillAsync(wallet.Payment(1), wallet.Address, null, CancellationToken.None));

        Assert.Equal("wrongNetwork", error.Code);
        standIn.NetworkId = 1;
        using var right = new LedgerClient(LedgerNetwork.CustomOf("testnet", standIn.HttpUri), Options);
        var tx = await new TransactionAutofiller(right, SigningState.InMemory()).AutofillAsync(wallet.Payment(1), wallet.Address, null, CancellationToken.None);
        Assert.Equal(7U, tx["Sequence"]!.GetValue<uint>());
    }

    [Fact]
    public async Task The_next_sequence_skips_what_this_wallet_already_signed()
    {
        await using var standIn = RippledStandIn.Start();
        using var wallet = new LedgerTestWallet();
        standIn.Fund(wallet.Address, 50_000_000, sequence: 3);
        using var client = new LedgerClient(standIn.Network(), Options);
        var state = SigningState.InMemory();
        var autofiller = new TransactionAutofiller(client, state);

        var first = await autofiller.AutofillAsync(wallet.Payment(1), wallet.Address, null, CancellationToken.None);
        state.Reserve(wallet.Address, first);
        var second = await autofiller.AutofillAsync(wallet.Payment(2), wallet.Address, null, CancellationToken.None);

        Assert.Equal(3U, first["Sequence"]!.GetValue<uint>());
        Assert.Equal(4U, second["Sequence"]!.GetValue<uint>());
    }

    [Fact]
    public async Task A_transaction_for_another_account_is_refused()
    {
        await using var standIn = RippledStandIn.Start();
        using var wallet = new LedgerTestWallet();
        using var other = new LedgerTestWallet(9);
        using var client = new LedgerClient(standIn.Network(), Options);

        var error = await Assert.ThrowsAsync<InvalidInputException>(() =>
            new TransactionAutofiller(client, SigningState.InMemory()).AutofillAsync(other.Payment(1), wallet.Address, null, CancellationToken.None));

        Assert.Equal("Account", error.Field);
    }

    [Fact]
    public async Task An_autofilled_signed_payment_is_accepted_by_the_stand_in()
    {
        await using var standIn = RippledStandIn.Start(TimeSpan.FromMilliseconds(50));
        using var wallet = new LedgerTestWallet();
        standIn.Fund(wallet.Address, 50_000_000, sequence: 11);
        using var client = new LedgerClient(standIn.Network(), Options);
        var tx = await new TransactionAutofiller(client, SigningState.InMemory()).AutofillAsync(wallet.Payment(5), wallet.Address, null, CancellationToken.None);

        var result = await new TransactionSubmitter(client).SubmitAsync(wallet.Sign(tx), wait: true, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal(12U, standIn.SequenceOf(wallet.Address));
    }
}
