using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Core.Policy;
using static HsmWallet.Core.Tests.Policy.PolicyTestData;

namespace HsmWallet.Core.Tests.Policy;

public sealed class PolicyRuleTests
{
    [Theory]
    [InlineData("SetRegularKey")]
    [InlineData("SignerListSet")]
    [InlineData("AccountDelete")]
    public void Key_changing_types_always_need_a_human_even_when_allowed(string type)
    {
        var engine = Engine(Document($$$"""{"allowed_transaction_types":["{{{type}}}"]}"""), Clock());
        var transaction = new JsonObject { ["TransactionType"] = type, ["Account"] = Wallet.ToClassicAddress(), ["Fee"] = "10" };

        var decision = engine.Evaluate("testnet", Wallet, transaction);

        Assert.Equal(PolicyDecisionKind.Approve, decision.Kind);
        Assert.Contains(decision.Reasons, reason => reason.Rule == "key_change");
    }

    [Theory]
    [InlineData("SetFlag", 4, PolicyDecisionKind.Approve)]
    [InlineData("ClearFlag", 4, PolicyDecisionKind.Approve)]
    [InlineData("SetFlag", 8, PolicyDecisionKind.Allow)]
    public void AccountSet_touching_the_master_key_needs_a_human(string field, int flag, PolicyDecisionKind expected)
    {
        var engine = Engine(Document("{}"), Clock());
        var transaction = new JsonObject { ["TransactionType"] = "AccountSet", ["Account"] = Wallet.ToClassicAddress(), ["Fee"] = "10", [field] = flag };

        Assert.Equal(expected, engine.Evaluate("testnet", Wallet, transaction).Kind);
    }

    [Fact]
    public void A_blocked_type_is_denied_and_an_unlisted_type_is_denied_when_a_list_exists()
    {
        var engine = Engine(Document("""{"allowed_transaction_types":["Payment"],"blocked_transaction_types":["SetRegularKey"]}"""), Clock());
        var setKey = new JsonObject { ["TransactionType"] = "SetRegularKey", ["Account"] = Wallet.ToClassicAddress(), ["Fee"] = "10" };
        var trust = new JsonObject { ["TransactionType"] = "TrustSet", ["Account"] = Wallet.ToClassicAddress(), ["Fee"] = "10" };

        Assert.Equal(PolicyDecisionKind.Deny, engine.Evaluate("testnet", Wallet, setKey).Kind);
        Assert.Equal("allowed_transaction_types", Assert.Single(engine.Evaluate("testnet", Wallet, trust).Reasons).Rule);
        Assert.Equal(PolicyDecisionKind.Allow, engine.Evaluate("testnet", Wallet, Payment(1)).Kind);
    }

    [Fact]
    public void Destination_lists_and_required_tags_deny()
    {
        var tagged = Account(9);
        var engine = Engine(Document($$$"""
            {"destination_allowlist":["{{{Friend}}}","{{{tagged}}}"],"destination_blocklist":["{{{Stranger}}}"],"destinations_requiring_tag":["{{{tagged}}}"]}
            """), Clock());
        var untagged = Payment(1, tagged);
        var withTag = Payment(1, tagged);
        withTag["DestinationTag"] = 7;

        Assert.Equal(PolicyDecisionKind.Allow, engine.Evaluate("testnet", Wallet, Payment(1, Friend)).Kind);
        Assert.Equal(["destination_blocklist", "destination_allowlist"], engine.Evaluate("testnet", Wallet, Payment(1, Stranger)).Reasons.Select(r => r.Rule));
        Assert.Equal("destinations_requiring_tag", Assert.Single(engine.Evaluate("testnet", Wallet, untagged).Reasons).Rule);
        Assert.Equal(PolicyDecisionKind.Allow, engine.Evaluate("testnet", Wallet, withTag).Kind);
    }

    [Fact]
    public void A_new_destination_needs_approval_until_it_has_been_paid()
    {
        var engine = Engine(Document("""{"new_destination_requires_approval":true}"""), Clock());
        Assert.Equal(PolicyDecisionKind.Approve, engine.Evaluate("testnet", Wallet, Payment(1)).Kind);

        engine.RecordSigned("testnet", Wallet, Payment(1));

        Assert.Equal(PolicyDecisionKind.Allow, engine.Evaluate("testnet", Wallet, Payment(1)).Kind);
    }

    [Fact]
    public void New_destinations_per_day_deny_beyond_the_limit()
    {
        var engine = Engine(Document("""{"max_new_destinations_per_day":2}"""), Clock());
        engine.RecordSigned("testnet", Wallet, Payment(1, Account(20)));
        Assert.Equal(PolicyDecisionKind.Allow, engine.Evaluate("testnet", Wallet, Payment(1, Account(21))).Kind);
        engine.RecordSigned("testnet", Wallet, Payment(1, Account(21)));

        Assert.Equal(PolicyDecisionKind.Deny, engine.Evaluate("testnet", Wallet, Payment(1, Account(22))).Kind);
        Assert.Equal(PolicyDecisionKind.Allow, engine.Evaluate("testnet", Wallet, Payment(1, Account(20))).Kind);
    }

    [Fact]
    public void A_memo_that_carries_a_family_seed_is_denied_by_the_default_mainnet_policy()
    {
        var engine = new PolicyEngine(PolicyFile.Trusted(PolicyDocument.Default), PolicyCounters.InMemory(), Clock());
        var transaction = Payment(1);
        transaction["Memos"] = new JsonArray(new JsonObject
        {
            ["Memo"] = new JsonObject { ["MemoData"] = Convert.ToHexString(Encoding.UTF8.GetBytes("backup: snoPBrXtMeMyMHUVTgbuqAfg1SUTb done")) },
        });

        var decision = engine.Evaluate("mainnet", Wallet, transaction);

        Assert.Equal(PolicyDecisionKind.Deny, decision.Kind);
        Assert.Contains(decision.Reasons, reason => reason.Rule == "blocked_memo_patterns");
    }

    [Theory]
    [InlineData(7, PolicyDecisionKind.Approve)]
    [InlineData(8, PolicyDecisionKind.Allow)]
    [InlineData(19, PolicyDecisionKind.Allow)]
    [InlineData(20, PolicyDecisionKind.Approve)]
    public void Outside_active_hours_needs_approval(int hour, PolicyDecisionKind expected)
    {
        var clock = Clock();
        clock.Now = new DateTimeOffset(2026, 11, 29, hour, 30, 0, TimeSpan.Zero);
        var engine = Engine(Document("""{"active_hours_utc":{"start":8,"end":20}}"""), clock);

        Assert.Equal(expected, engine.Evaluate("testnet", Wallet, Payment(1)).Kind);
    }

    [Fact]
    public void A_network_the_policy_does_not_name_is_denied()
    {
        var engine = Engine(Document("{}"), Clock());

        Assert.Equal("networks", Assert.Single(engine.Evaluate("mainnet", Wallet, Payment(1)).Reasons).Rule);
    }

    [Fact]
    public void An_unreadable_amount_denies_as_a_rule_error()
    {
        var engine = Engine(Document("{}"), Clock());
        var transaction = Payment(1);
        transaction["SendMax"] = "12.5";

        var decision = engine.Evaluate("testnet", Wallet, transaction);

        Assert.Equal(PolicyDecisionKind.Deny, decision.Kind);
        Assert.Equal("rule_error", Assert.Single(decision.Reasons).Rule);
    }

    [Fact]
    public void Wallet_rules_override_the_network_default_field_by_field()
    {
        var document = PolicyDocument.Parse(
            """{"version":1,"networks":{"testnet":{"default":{"max_per_transaction":{"XRP":"1"},"max_fee":"0.001"},"wallets":{"""
            + "\"" + Wallet + "\"" + """:{"max_per_transaction":{"XRP":"1000"}}}}}}""");
        var engine = Engine(document, Clock());

        Assert.Equal(PolicyDecisionKind.Allow, engine.Evaluate("testnet", Wallet, Payment(500_000_000)).Kind);
        Assert.Equal(PolicyDecisionKind.Approve, engine.Evaluate("testnet", Friend, Payment(500_000_000)).Kind);
        Assert.Equal(PolicyDecisionKind.Deny, engine.Evaluate("testnet", Wallet, Payment(1, fee: 1001)).Kind);
    }

    [Fact]
    public void Mainnet_defaults_ask_for_approval_above_100_XRP_and_for_new_destinations()
    {
        var engine = new PolicyEngine(PolicyFile.Trusted(PolicyDocument.Default), PolicyCounters.InMemory(), Clock());

        var decision = engine.Evaluate("mainnet", Wallet, Payment(100_000_000));

        Assert.Equal(PolicyDecisionKind.Approve, decision.Kind);
        Assert.Equal(["max_per_transaction", "new_destination_requires_approval"], decision.Reasons.Select(r => r.Rule));
    }

    [Fact]
    public void Above_the_quorums_amount_a_payment_needs_that_many_approvers_and_below_it_one_or_none()
    {
        var engine = Engine(Document("""{"max_per_transaction":{"XRP":"100"},"approval_quorum":{"approvers":2,"above":{"XRP":"1000"}}}"""), Clock());

        var large = engine.Evaluate("testnet", Wallet, Payment(2_000_000_000));
        var medium = engine.Evaluate("testnet", Wallet, Payment(500_000_000));
        var small = engine.Evaluate("testnet", Wallet, Payment(1_000_000));

        Assert.Equal(PolicyDecisionKind.Approve, large.Kind);
        Assert.Equal(2, large.Quorum);
        Assert.Contains(large.Reasons, reason => reason.Rule == "approval_quorum");
        Assert.Equal(PolicyDecisionKind.Approve, medium.Kind);
        Assert.Equal(1, medium.Quorum);
        Assert.Equal(PolicyDecisionKind.Allow, small.Kind);
    }

    [Fact]
    public void A_quorum_without_an_amount_raises_every_approval_but_asks_for_none_itself()
    {
        var engine = Engine(Document("""{"max_per_transaction":{"XRP":"100"},"approval_quorum":{"approvers":3}}"""), Clock());

        Assert.Equal(3, engine.Evaluate("testnet", Wallet, Payment(500_000_000)).Quorum);
        Assert.Equal(PolicyDecisionKind.Allow, engine.Evaluate("testnet", Wallet, Payment(1_000_000)).Kind);
    }

    [Fact]
    public void The_delay_tier_delays_what_the_rules_allow_above_its_amount_and_never_replaces_a_humans_approval()
    {
        var engine = Engine(Document("""{"max_per_transaction":{"XRP":"100"},"delay":{"minutes":10,"above":{"XRP":"5"}}}"""), Clock());

        var delayed = engine.Evaluate("testnet", Wallet, Payment(50_000_000));
        var small = engine.Evaluate("testnet", Wallet, Payment(1_000_000));
        var large = engine.Evaluate("testnet", Wallet, Payment(500_000_000));

        Assert.Equal(PolicyDecisionKind.Delay, delayed.Kind);
        Assert.Equal(TimeSpan.FromMinutes(10), delayed.Delay);
        Assert.Equal(PolicyDecisionKind.Allow, small.Kind);
        Assert.Equal(PolicyDecisionKind.Approve, large.Kind);
        Assert.Null(large.Delay);
    }

    [Theory]
    [InlineData("""{"approval_quorum":{"approvers":0}}""", "approval_quorum.approvers")]
    [InlineData("""{"approval_quorum":{"approvers":9}}""", "approval_quorum.approvers")]
    [InlineData("""{"approval_quorum":{"approvers":2,"below":{"XRP":"1"}}}""", "approval_quorum")]
    [InlineData("""{"delay":{"minutes":0}}""", "delay.minutes")]
    [InlineData("""{"delay":{"minutes":1441}}""", "delay.minutes")]
    [InlineData("""{"delay":{"minutes":5,"above":{"XRP":"x"}}}""", "delay.above.XRP")]
    public void Bad_quorum_and_delay_rules_are_refused_naming_the_field(string rules, string field)
    {
        var error = Assert.Throws<InvalidInputException>(() => Document(rules));

        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Splitting_a_payment_does_not_evade_the_quorum_or_the_delay_the_24_hour_total_counts()
    {
        var engine = Engine(Document("""{"max_per_transaction":{"XRP":"1000"},"approval_quorum":{"approvers":2,"above":{"XRP":"1000"}},"delay":{"minutes":10,"above":{"XRP":"600"}}}"""), Clock());

        var first = engine.Evaluate("testnet", Wallet, Payment(500_000_000));
        engine.RecordSigned("testnet", Wallet, Payment(500_000_000));
        var second = engine.Evaluate("testnet", Wallet, Payment(400_000_000));
        engine.RecordSigned("testnet", Wallet, Payment(400_000_000));
        var third = engine.Evaluate("testnet", Wallet, Payment(400_000_000));

        Assert.Equal(PolicyDecisionKind.Allow, first.Kind);
        Assert.Equal(PolicyDecisionKind.Delay, second.Kind);
        Assert.Equal(PolicyDecisionKind.Approve, third.Kind);
        Assert.Equal(2, third.Quorum);
        Assert.Contains("in the last 24 hours", Assert.Single(third.Reasons, reason => reason.Rule == "approval_quorum").Message, StringComparison.Ordinal);
    }
}
