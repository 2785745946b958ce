using System.Text.Json.Nodes;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Policy.Effects;
using static HsmWallet.Core.Tests.Policy.PolicyTestData;

namespace HsmWallet.Core.Tests.Policy;

/// <summary>
/// Transactions an attacker writes to move value or control past the policy: other value fields, other
/// destination fields, wrapped transactions, delegated authority, referenced objects. Under the mainnet defaults
/// none is allowed; the controls show the engine still allows what it should.
/// </summary>
public sealed class AttackCorpusTests
{
    private const string OfferId = AttackCorpus.ObjectId;

    private static readonly string Attacker = Stranger.ToClassicAddress();

    private static readonly AttackCorpus Attacks = new(Wallet.ToClassicAddress(), Attacker, Friend.ToClassicAddress(), Issuer.ToClassicAddress());

    /// <summary>The attacker's transactions, by name, each with no ledger reading.</summary>
    public static TheoryData<string> Corpus() => [.. Transactions().Keys];

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Nothing_in_the_corpus_is_allowed_under_the_mainnet_defaults(string name)
    {
        var decision = Defaults().Evaluate("mainnet", Wallet, Transactions()[name]);
        Assert.NotEqual(PolicyDecisionKind.Allow, decision.Kind);
    }

    [Fact]
    public void Accepting_a_sell_offer_counts_the_offers_price_and_its_owner()
    {
        var readings = Readings(OfferId, SellOffer(price: "99999000000", owner: Attacker));
        var decision = Defaults().Evaluate("mainnet", Wallet, Transactions()["nft_accept_sell_offer"], readings);
        Assert.Equal(PolicyDecisionKind.Approve, decision.Kind);
        Assert.True(99_999_000_012UL == decision.Effects!.Value.XrpDrops, string.Join(" / ", decision.Reasons.Select(reason => reason.Rule + ": " + reason.Message)) + decision.Effects.ToJson().ToJsonString());
        Assert.Contains(decision.Reasons, reason => reason.Rule == "max_per_transaction");
        Assert.Contains(decision.Reasons, reason => reason.Rule == "new_destination_requires_approval" && reason.Message.Contains(Attacker, StringComparison.Ordinal));
        Assert.Contains("pays 99999 XRP", decision.Effects.ReferencedObjects.Single().Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Accepting_an_offer_that_cannot_be_read_needs_a_human_even_on_a_permissive_policy()
    {
        var decision = Permissive().Evaluate("testnet", Wallet, Transactions()["nft_accept_sell_offer"]);
        Assert.Equal(PolicyDecisionKind.Approve, decision.Kind);
        Assert.Contains(decision.Reasons, reason => reason.Rule == "ledger_object");
    }

    [Fact]
    public void A_buy_offer_read_where_a_sell_offer_was_named_needs_a_human()
    {
        var offer = SellOffer("1", Attacker);
        offer["Flags"] = 0;
        var decision = Permissive().Evaluate("testnet", Wallet, Transactions()["nft_accept_sell_offer"], Readings(OfferId, offer));
        Assert.Contains(decision.Reasons, reason => reason.Rule == "ledger_object" && reason.Message.Contains("buy offer", StringComparison.Ordinal));
    }

    [Fact]
    public void A_batch_is_all_of_its_inner_transactions()
    {
        var decision = Defaults().Evaluate("mainnet", Wallet, Transactions()["batch_drain"]);
        Assert.Equal(PolicyDecisionKind.Approve, decision.Kind);
        var effects = decision.Effects!;
        Assert.Equal(3, effects.Inner.Count);
        Assert.Equal(3, effects.Count);
        Assert.True(effects.Value.XrpDrops >= 90_000_000_000UL, "the inner payment's value was not counted");
        Assert.Contains(decision.Reasons, reason => reason.Rule == "key_change" && reason.Message.Contains("SetRegularKey", StringComparison.Ordinal));
        Assert.Contains(decision.Reasons, reason => reason.Rule == "key_change" && reason.Message.Contains("AccountDelete", StringComparison.Ordinal));
        Assert.Contains(decision.Reasons, reason => reason.Rule == "new_destination_requires_approval");
        Assert.Contains(decision.Reasons, reason => reason.Rule == "max_per_transaction");
    }

    [Fact]
    public void A_batch_inside_a_batch_is_denied()
    {
        var inner = Transactions()["batch_drain"];
        var outer = Batch(inner);
        Assert.Equal(PolicyDecisionKind.Deny, Permissive().Evaluate("testnet", Wallet, outer).Kind);
    }

    [Fact]
    public void A_batch_with_an_inner_transaction_for_another_account_needs_a_human()
    {
        var payment = Payment(1, Friend);
        payment["Account"] = Friend.ToClassicAddress();
        payment["Destination"] = Wallet.ToClassicAddress();
        var decision = Permissive().Evaluate("testnet", Wallet, Batch(payment, Payment(1, Friend)));
        Assert.Contains(decision.Reasons, reason => reason.Rule == "batch_other_account");
    }

    [Fact]
    public void Many_small_inner_payments_count_against_count_limits_one_by_one()
    {
        var engine = Engine(Document("{\"max_transactions_per_hour\":3}"), Clock());
        Assert.Equal(PolicyDecisionKind.Deny, engine.Evaluate("testnet", Wallet, Batch(Payment(1), Payment(1), Payment(1), Payment(1))).Kind);
        Assert.Equal(PolicyDecisionKind.Allow, engine.Evaluate("testnet", Wallet, Batch(Payment(1), Payment(1), Payment(1))).Kind);
    }

    [Fact]
    public void Counters_advance_by_the_modelled_value_inner_transactions_included()
    {
        var counters = PolicyCounters.InMemory();
        var engine = Engine(Document("{\"max_daily_volume\":{\"XRP\":\"30\"},\"max_new_destinations_per_day\":2}"), Clock(), counters);
        engine.RecordSigned("testnet", Wallet, Batch(Payment(10_000_000, Friend, fee: 0), Payment(10_000_000, Stranger, fee: 0)));
        var next = engine.Evaluate("testnet", Wallet, Payment(10_000_001, Friend, fee: 0));
        Assert.Contains(next.Reasons, reason => reason.Rule == "max_daily_volume");
        var third = engine.Evaluate("testnet", Wallet, Payment(1, Issuer));
        Assert.Contains(third.Reasons, reason => reason.Rule == "max_new_destinations_per_day");
        Assert.Equal(PolicyDecisionKind.Allow, engine.Evaluate("testnet", Wallet, Payment(1, Stranger, fee: 0)).Kind);
    }

    [Fact]
    public void Counters_count_a_sell_offers_price()
    {
        var counters = PolicyCounters.InMemory();
        var engine = Engine(Document("{\"max_daily_volume\":{\"XRP\":\"100\"}}"), Clock(), counters);
        var readings = Readings(OfferId, SellOffer("90000000", Attacker));
        engine.RecordSigned("testnet", Wallet, Transactions()["nft_accept_sell_offer"], readings);
        Assert.Contains(engine.Evaluate("testnet", Wallet, Payment(20_000_000)).Reasons, reason => reason.Rule == "max_daily_volume");
    }

    [Fact]
    public void Control_a_small_payment_to_a_known_destination_is_allowed_on_mainnet()
    {
        var counters = PolicyCounters.InMemory();
        var engine = Engine(PolicyDocument.Default, Clock(), counters);
        var first = engine.Evaluate("mainnet", Wallet, Payment(1_000_000));
        Assert.Equal(PolicyDecisionKind.Approve, first.Kind);
        Assert.Contains(first.Reasons, reason => reason.Rule == "new_destination_requires_approval");

        // Approved and signed once: the destination is known from then on.
        engine.RecordSigned("mainnet", Wallet, Payment(1_000_000));
        Assert.Equal(PolicyDecisionKind.Allow, engine.Evaluate("mainnet", Wallet, Payment(1_000_000)).Kind);
    }

    [Fact]
    public void An_x_address_destination_is_read_as_the_classic_address_and_its_tag()
    {
        var destination = Friend.ToClassicAddress();
        var xAddress = new Core.Xrpl.Addresses.XAddress(Friend, 12345, IsTestNetwork: false).Encode();
        var engine = Engine(Document("{\"destinations_requiring_tag\":[\"" + destination + "\"]}"), Clock());
        var payment = Payment(1_000, Friend);
        payment["Destination"] = xAddress;
        var decision = engine.Evaluate("testnet", Wallet, payment);
        Assert.Equal(PolicyDecisionKind.Allow, decision.Kind);
        Assert.Equal(destination, decision.Effects!.Counterparties.Single().Address);
    }

    [Fact]
    public void Value_to_an_nft_offer_owner_or_another_chains_destination_is_a_new_destination()
    {
        foreach (var name in new[] { "nft_buy_offer_owner", "xchain_commit_other_chain_destination", "vault_withdraw_to_other", "check_create" })
        {
            var decision = Defaults().Evaluate("mainnet", Wallet, Transactions()[name]);
            Assert.True(
                decision.Reasons.Any(reason => reason.Rule == "new_destination_requires_approval" && reason.Message.Contains(Attacker, StringComparison.Ordinal)),
                name + " did not treat the attacker as a new destination");
        }
    }

    private static PolicyEngine Defaults() => Engine(PolicyDocument.Default, Clock());

    private static PolicyEngine Permissive() => Engine(Document("{}"), Clock());

    private static LedgerReadings Readings(string id, JsonObject node)
    {
        var readings = new LedgerReadings("not read");
        readings.Add(new LedgerObjectRequest("index:" + id, LedgerObjectKind.NFTokenSellOffer, new JsonObject { ["index"] = id }), new LedgerObjectReading(node, null));
        return readings;
    }

    private static JsonObject SellOffer(string price, string owner) => AttackCorpus.SellOffer(price, owner);

    private static JsonObject Batch(params JsonObject[] inner) => Attacks.Batch(inner);

    private static Dictionary<string, JsonObject> Transactions() => Attacks.Transactions();
}
