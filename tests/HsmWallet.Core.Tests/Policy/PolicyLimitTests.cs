using System.Text.Json.Nodes;
using HsmWallet.Core.Policy;
using static HsmWallet.Core.Tests.Policy.PolicyTestData;

namespace HsmWallet.Core.Tests.Policy;

public sealed class PolicyLimitTests
{
    // 100 XRP = 100,000,000 drops; the 10-drop Fee counts toward the XRP amount.
    [Theory]
    [InlineData(99_999_989UL, PolicyDecisionKind.Allow)]
    [InlineData(99_999_990UL, PolicyDecisionKind.Allow)]
    [InlineData(99_999_991UL, PolicyDecisionKind.Approve)]
    public void Per_transaction_XRP_limit_trips_one_drop_over_counting_the_fee(ulong drops, PolicyDecisionKind expected)
    {
        var engine = Engine(Document("""{"max_per_transaction":{"XRP":"100"}}"""), Clock());

        var decision = engine.Evaluate("testnet", Wallet, Payment(drops));

        Assert.Equal(expected, decision.Kind);
        Assert.Equal(expected == PolicyDecisionKind.Allow ? [] : ["max_per_transaction"], decision.Reasons.Select(r => r.Rule));
    }

    [Theory]
    [InlineData(39_999_989UL, PolicyDecisionKind.Allow)]
    [InlineData(39_999_990UL, PolicyDecisionKind.Allow)]
    [InlineData(39_999_991UL, PolicyDecisionKind.Approve)]
    public void Daily_volume_counts_what_was_signed_before(ulong drops, PolicyDecisionKind expected)
    {
        var clock = Clock();
        var engine = Engine(Document("""{"max_daily_volume":{"XRP":"100"}}"""), clock);
        engine.RecordSigned("testnet", Wallet, Payment(59_999_990));
        clock.Now += TimeSpan.FromHours(23);

        Assert.Equal(expected, engine.Evaluate("testnet", Wallet, Payment(drops)).Kind);
    }

    [Fact]
    public void Daily_volume_slides_past_24_hours()
    {
        var clock = Clock();
        var engine = Engine(Document("""{"max_daily_volume":{"XRP":"100"}}"""), clock);
        engine.RecordSigned("testnet", Wallet, Payment(99_999_990));
        clock.Now += TimeSpan.FromHours(23.9);
        Assert.Equal(PolicyDecisionKind.Approve, engine.Evaluate("testnet", Wallet, Payment(1)).Kind);

        clock.Now += TimeSpan.FromHours(0.2);
        Assert.Equal(PolicyDecisionKind.Allow, engine.Evaluate("testnet", Wallet, Payment(1)).Kind);
    }

    [Theory]
    [InlineData(9_999_989UL, PolicyDecisionKind.Allow)]
    [InlineData(9_999_990UL, PolicyDecisionKind.Allow)]
    [InlineData(9_999_991UL, PolicyDecisionKind.Approve)]
    public void Hourly_volume_trips_at_its_boundary_and_forgets_after_an_hour(ulong drops, PolicyDecisionKind expected)
    {
        var clock = Clock();
        var engine = Engine(Document("""{"max_hourly_volume":{"XRP":"20"}}"""), clock);
        engine.RecordSigned("testnet", Wallet, Payment(9_999_990));
        clock.Now += TimeSpan.FromMinutes(59);
        Assert.Equal(expected, engine.Evaluate("testnet", Wallet, Payment(drops)).Kind);

        clock.Now += TimeSpan.FromMinutes(2);
        Assert.Equal(PolicyDecisionKind.Allow, engine.Evaluate("testnet", Wallet, Payment(19_999_990)).Kind);
    }

    [Theory]
    [InlineData("999.9999999999999", PolicyDecisionKind.Allow)]
    [InlineData("1000", PolicyDecisionKind.Allow)]
    [InlineData("1000.000000000001", PolicyDecisionKind.Approve)]
    public void Issued_currency_is_limited_per_currency_and_issuer_with_exact_decimals(string value, PolicyDecisionKind expected)
    {
        var engine = Engine(Document($$$"""{"max_per_transaction":{"{{{UsdKey}}}":"1000"}}"""), Clock());

        Assert.Equal(expected, engine.Evaluate("testnet", Wallet, IssuedPayment(value)).Kind);
    }

    [Fact]
    public void Issued_currency_daily_volume_adds_up_across_transactions()
    {
        var engine = Engine(Document($$$"""{"max_daily_volume":{"{{{UsdKey}}}":"10"}}"""), Clock());
        engine.RecordSigned("testnet", Wallet, IssuedPayment("9.5"));

        Assert.Equal(PolicyDecisionKind.Allow, engine.Evaluate("testnet", Wallet, IssuedPayment("0.5")).Kind);
        Assert.Equal(PolicyDecisionKind.Approve, engine.Evaluate("testnet", Wallet, IssuedPayment("0.5000000000000001")).Kind);
        Assert.Equal(PolicyDecisionKind.Allow, engine.Evaluate("testnet", Wallet, IssuedPayment("100", "EUR")).Kind);
    }

    [Fact]
    public void Offers_count_what_they_give_and_what_they_take()
    {
        var engine = Engine(Document($$$"""{"max_per_transaction":{"XRP":"100","{{{UsdKey}}}":"50"}}"""), Clock());
        var offer = new JsonObject
        {
            ["TransactionType"] = "OfferCreate",
            ["Account"] = Wallet.ToClassicAddress(),
            ["TakerGets"] = "150000000",
            ["TakerPays"] = new JsonObject { ["currency"] = "USD", ["issuer"] = Issuer.ToClassicAddress(), ["value"] = "60" },
            ["Fee"] = "10",
        };

        var decision = engine.Evaluate("testnet", Wallet, offer);

        Assert.Equal(PolicyDecisionKind.Approve, decision.Kind);
        Assert.Equal(2, decision.Reasons.Count(reason => reason.Rule == "max_per_transaction"));
    }

    [Fact]
    public void AMM_deposit_counts_its_second_amount()
    {
        var engine = Engine(Document("""{"max_per_transaction":{"XRP":"100"}}"""), Clock());
        var deposit = new JsonObject
        {
            ["TransactionType"] = "AMMDeposit",
            ["Account"] = Wallet.ToClassicAddress(),
            ["Asset"] = new JsonObject { ["currency"] = "XRP" },
            ["Asset2"] = new JsonObject { ["currency"] = "USD", ["issuer"] = Issuer.ToClassicAddress() },
            ["Amount"] = new JsonObject { ["currency"] = "USD", ["issuer"] = Issuer.ToClassicAddress(), ["value"] = "1" },
            ["Amount2"] = "200000000",
            ["Fee"] = "10",
        };

        Assert.Equal(PolicyDecisionKind.Approve, engine.Evaluate("testnet", Wallet, deposit).Kind);
    }

    [Fact]
    public void An_unlisted_issued_currency_needs_approval_when_the_rule_is_on()
    {
        var engine = Engine(Document("""{"max_per_transaction":{"XRP":"100"},"unlisted_assets_require_approval":true}"""), Clock());

        var decision = engine.Evaluate("testnet", Wallet, IssuedPayment("0.01"));

        Assert.Equal("unlisted_assets_require_approval", Assert.Single(decision.Reasons).Rule);
    }

    [Theory]
    [InlineData(2, PolicyDecisionKind.Allow)]
    [InlineData(3, PolicyDecisionKind.Deny)]
    public void Transaction_counts_per_hour_deny_beyond_the_limit(int signedBefore, PolicyDecisionKind expected)
    {
        var engine = Engine(Document("""{"max_transactions_per_hour":3}"""), Clock());
        for (var i = 0; i < signedBefore; i++)
        {
            engine.RecordSigned("testnet", Wallet, Payment(1));
        }

        Assert.Equal(expected, engine.Evaluate("testnet", Wallet, Payment(1)).Kind);
    }

    [Fact]
    public void Transaction_counts_per_day_deny_beyond_the_limit()
    {
        var clock = Clock();
        var engine = Engine(Document("""{"max_transactions_per_day":2}"""), clock);
        engine.RecordSigned("testnet", Wallet, Payment(1));
        clock.Now += TimeSpan.FromHours(5);
        Assert.Equal(PolicyDecisionKind.Allow, engine.Evaluate("testnet", Wallet, Payment(1)).Kind);
        engine.RecordSigned("testnet", Wallet, Payment(1));

        Assert.Equal("max_transactions_per_day", Assert.Single(engine.Evaluate("testnet", Wallet, Payment(1)).Reasons).Rule);
    }

    [Theory]
    [InlineData(199_990UL, PolicyDecisionKind.Allow)]
    [InlineData(200_000UL, PolicyDecisionKind.Allow)]
    [InlineData(200_001UL, PolicyDecisionKind.Deny)]
    public void Fee_above_the_maximum_is_denied(ulong fee, PolicyDecisionKind expected)
    {
        var engine = Engine(Document("""{"max_fee":"0.2"}"""), Clock());

        Assert.Equal(expected, engine.Evaluate("testnet", Wallet, Payment(1, fee: fee)).Kind);
    }
}
