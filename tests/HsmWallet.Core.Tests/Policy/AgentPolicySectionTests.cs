using HsmWallet.Core.Policy;
using HsmWallet.Core.State;
using HsmWallet.Core.Tests.Signing;
using static HsmWallet.Core.Tests.Policy.PolicyTestData;

namespace HsmWallet.Core.Tests.Policy;

/// <summary>
/// An agent's own policy section (docs/policy.md, Per-agent sections): applied on top of the home's policy, the stricter
/// decision wins, its limits count only that agent's signatures, and a section that cannot be trusted denies.
/// </summary>
public sealed class AgentPolicySectionTests
{
    private const string Lenient = """{"max_per_transaction":{"XRP":"10000"}}""";

    private static AgentPolicy Section(string agent, string rules) => new(agent, PolicyFile.Trusted(Document(rules)));

    private static PolicyEngine Engine(string home, AgentPolicy? agent, PolicyCounters counters, TimeProvider clock) =>
        new(PolicyFile.Trusted(Document(home)), counters, clock) { Agent = agent };

    [Fact]
    public void When_both_sections_allow_the_payment_is_allowed_and_both_sections_are_named()
    {
        var decision = Engine(Lenient, Section("bot", """{"max_per_transaction":{"XRP":"50"}}"""), PolicyCounters.InMemory(), Clock())
            .Evaluate("testnet", Wallet, Payment(10_000_000));

        Assert.Equal(PolicyDecisionKind.Allow, decision.Kind);
        Assert.Equal(["home", "agent:bot"], decision.Sections);
    }

    [Fact]
    public void What_the_home_allows_the_agents_section_denies_and_its_reason_is_marked_as_the_agents()
    {
        var decision = Engine(Lenient, Section("bot", """{"blocked_transaction_types":["Payment"]}"""), PolicyCounters.InMemory(), Clock())
            .Evaluate("testnet", Wallet, Payment(1_000_000));

        Assert.Equal(PolicyDecisionKind.Deny, decision.Kind);
        var reason = Assert.Single(decision.Reasons);
        Assert.Equal("blocked_transaction_types", reason.Rule);
        Assert.Equal("agent:bot", reason.Section);
        Assert.StartsWith("agent bot's policy: ", reason.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void When_the_agents_section_asks_for_approval_and_the_home_allows_a_human_must_approve()
    {
        var decision = Engine(Lenient, Section("bot", """{"max_per_transaction":{"XRP":"5"}}"""), PolicyCounters.InMemory(), Clock())
            .Evaluate("testnet", Wallet, Payment(10_000_000));

        Assert.Equal(PolicyDecisionKind.Approve, decision.Kind);
        Assert.Equal("agent:bot", Assert.Single(decision.Reasons).Section);
    }

    [Fact]
    public void Reasons_from_both_sections_are_kept_and_the_strictest_decides()
    {
        var decision = Engine("""{"max_per_transaction":{"XRP":"5"}}""", Section("bot", """{"max_fee":"0.000001"}"""), PolicyCounters.InMemory(), Clock())
            .Evaluate("testnet", Wallet, Payment(10_000_000));

        Assert.Equal(PolicyDecisionKind.Deny, decision.Kind);
        Assert.Equal([("max_per_transaction", "home"), ("max_fee", "agent:bot")], decision.Reasons.Select(reason => (reason.Rule, reason.Section)));
    }

    [Fact]
    public void A_section_with_a_higher_limit_than_the_home_cannot_loosen_it()
    {
        var decision = Engine("""{"max_per_transaction":{"XRP":"10"},"max_transactions_per_day":1}""", Section("bot", """{"max_per_transaction":{"XRP":"100000"},"max_transactions_per_day":1000}"""), PolicyCounters.InMemory(), Clock())
            .Evaluate("testnet", Wallet, Payment(50_000_000));

        Assert.Equal(PolicyDecisionKind.Approve, decision.Kind);
        Assert.Equal("home", Assert.Single(decision.Reasons).Section);
    }

    [Fact]
    public void Where_the_agents_section_names_no_rules_for_the_network_the_home_alone_decides()
    {
        var decision = Engine(Lenient, new AgentPolicy("bot", PolicyFile.Trusted(Document("""{"blocked_transaction_types":["Payment"]}""", network: "mainnet"))), PolicyCounters.InMemory(), Clock())
            .Evaluate("testnet", Wallet, Payment(1_000_000));

        Assert.Equal(PolicyDecisionKind.Allow, decision.Kind);
        Assert.Equal(["home"], decision.Sections);
    }

    [Fact]
    public void An_agent_with_no_section_is_decided_by_the_home_alone()
    {
        var decision = Engine("""{"max_per_transaction":{"XRP":"5"}}""", new AgentPolicy("bot", null), PolicyCounters.InMemory(), Clock())
            .Evaluate("testnet", Wallet, Payment(10_000_000));

        Assert.Equal(PolicyDecisionKind.Approve, decision.Kind);
        Assert.Equal(["home"], decision.Sections);
    }

    [Fact]
    public void The_agents_daily_limit_counts_only_its_own_signatures_on_a_wallet_two_agents_share()
    {
        var clock = Clock();
        var counters = PolicyCounters.InMemory();
        const string daily = """{"max_daily_volume":{"XRP":"50"}}""";
        var alice = Engine(Lenient, Section("alice", daily), counters, clock);
        var bob = Engine(Lenient, Section("bob", daily), counters, clock);

        alice.RecordSigned("testnet", Wallet, Payment(39_999_990));
        clock.Now += TimeSpan.FromHours(1);

        // Bob signed nothing yet: his 40 XRP is within his own 50; Alice's next 20 XRP would make her 60.
        Assert.Equal(PolicyDecisionKind.Allow, bob.Evaluate("testnet", Wallet, Payment(39_999_990)).Kind);
        var aliceAgain = alice.Evaluate("testnet", Wallet, Payment(19_999_990));
        Assert.Equal(PolicyDecisionKind.Approve, aliceAgain.Kind);
        Assert.Equal(("max_daily_volume", "agent:alice"), (Assert.Single(aliceAgain.Reasons).Rule, aliceAgain.Reasons[0].Section));

        // The home's limit still counts every agent's signatures together.
        bob.RecordSigned("testnet", Wallet, Payment(39_999_990));
        var home = Engine(daily.Replace("50", "100", StringComparison.Ordinal), null, counters, clock).Evaluate("testnet", Wallet, Payment(30_000_000));
        Assert.Equal(PolicyDecisionKind.Approve, home.Kind);
    }

    [Fact]
    public void The_agents_count_and_new_destination_rules_use_its_own_counters()
    {
        var clock = Clock();
        var counters = PolicyCounters.InMemory();
        const string rules = """{"max_transactions_per_day":1,"new_destination_requires_approval":true}""";
        var alice = Engine(Lenient, Section("alice", rules), counters, clock);
        var bob = Engine(Lenient, Section("bob", rules), counters, clock);

        alice.RecordSigned("testnet", Wallet, Payment(1_000_000));

        // Friend is known to the home and to Alice, not to Bob; Alice used her one transaction of the day.
        var bobs = bob.Evaluate("testnet", Wallet, Payment(1_000_000));
        Assert.Equal(PolicyDecisionKind.Approve, bobs.Kind);
        Assert.Equal("new_destination_requires_approval", Assert.Single(bobs.Reasons).Rule);
        var alices = alice.Evaluate("testnet", Wallet, Payment(1_000_000));
        Assert.Equal(PolicyDecisionKind.Deny, alices.Kind);
        Assert.Equal("max_transactions_per_day", Assert.Single(alices.Reasons).Rule);
    }

    [Fact]
    public void A_quorum_the_home_asks_of_every_approval_also_holds_for_an_approval_the_agents_section_asks()
    {
        var decision = Engine("""{"approval_quorum":{"approvers":2}}""", Section("bot", """{"max_per_transaction":{"XRP":"5"}}"""), PolicyCounters.InMemory(), Clock())
            .Evaluate("testnet", Wallet, Payment(10_000_000));

        Assert.Equal(PolicyDecisionKind.Approve, decision.Kind);
        Assert.Equal(2, decision.Quorum);
    }

    [Fact]
    public void An_agents_policy_file_edited_or_deleted_behind_its_back_denies_every_signature_naming_the_fix()
    {
        using var folder = new Unlocking.TemporaryDirectory();
        var path = Path.Combine(folder.Path, "bot.policy.json");
        var recorded = Document("""{"max_per_transaction":{"XRP":"5"}}""");
        PolicyFile.Save(path, recorded);
        File.WriteAllText(path, Document("""{"max_per_transaction":{"XRP":"5000"}}""").CanonicalJson);

        var edited = Engine(Lenient, new AgentPolicy("bot", PolicyFile.Load(path, recorded.Sha256)), PolicyCounters.InMemory(), Clock())
            .Evaluate("testnet", Wallet, Payment(1_000_000));
        File.Delete(path);
        var deleted = Engine(Lenient, new AgentPolicy("bot", PolicyFile.Load(path, recorded.Sha256)), PolicyCounters.InMemory(), Clock())
            .Evaluate("testnet", Wallet, Payment(1_000_000));
        var untrusted = Engine(Lenient, new AgentPolicy("bot", PolicyFile.Untrusted("agent bot's policy file cannot be used; run hsmwallet agent policy bot FILE")), PolicyCounters.InMemory(), Clock())
            .Evaluate("testnet", Wallet, Payment(1_000_000));

        foreach (var decision in new[] { edited, deleted, untrusted })
        {
            Assert.Equal(PolicyDecisionKind.Deny, decision.Kind);
            var reason = Assert.Single(decision.Reasons);
            Assert.Equal(("agent_policy", "agent:bot"), (reason.Rule, reason.Section));
            Assert.Equal(["home", "agent:bot"], decision.Sections);
        }

        Assert.Contains("hsmwallet agent policy bot", untrusted.Reasons[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_agents_counters_are_kept_by_name_in_the_sealed_counters_across_a_restart()
    {
        using var harness = new SigningHarness();
        var store = new FileStateStore(harness.Vault.Home.Root);
        const string daily = """{"max_daily_volume":{"XRP":"50"}}""";
        Engine(Lenient, Section("alice", daily), PolicyCounters.Load(store, harness.Writer.StateSeal), harness.Clock)
            .RecordSigned("testnet", Wallet, Payment(39_999_990));

        // A new process (or instance) reads the same sealed document: Alice's 40 XRP is hers, Bob's count is empty.
        var counters = PolicyCounters.Load(store, harness.Writer.StateSeal);
        Assert.Null(counters.Problem);
        Assert.Equal(PolicyDecisionKind.Approve, Engine(Lenient, Section("alice", daily), counters, harness.Clock).Evaluate("testnet", Wallet, Payment(19_999_990)).Kind);
        Assert.Equal(PolicyDecisionKind.Allow, Engine(Lenient, Section("bob", daily), counters, harness.Clock).Evaluate("testnet", Wallet, Payment(19_999_990)).Kind);
    }
}
