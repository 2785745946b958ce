using HsmWallet.Core.Approvals;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Signing;
using HsmWallet.Core.Tests.Signing;
using HsmWallet.Core.UseCases;

namespace HsmWallet.Core.Tests.UseCases;

/// <summary>
/// Signing for an authenticated agent: its section comes from the caller's identity (the operation context) only, an
/// approval asked for one agent cannot be redeemed by another, a section that cannot be trusted refuses before any
/// key is opened, and the audit entry says which sections decided.
/// </summary>
public sealed class AgentSectionSigningTests : IDisposable
{
    private readonly SigningHarness _harness = new();
    private readonly FileSections _sections;
    private readonly TransactionSigningService _signing;
    private readonly TransactionUseCases _transactions;

    public AgentSectionSigningTests()
    {
        _sections = new FileSections(Path.Combine(_harness.Vault.Home.Root, "agents"));
        _signing = new TransactionSigningService(_harness.Vault, _harness.Wallets, Core.Ledger.LedgerNetwork.Testnet, _harness.Audit, null, _harness.Clock, agentPolicies: _sections);
        _transactions = new TransactionUseCases(_signing, null, () => SigningHarness.Unlock);
        _sections.Set("strict", """{"version":1,"networks":{"testnet":{"default":{"max_per_transaction":{"XRP":"0.5"}}}}}""");
        _sections.Set("blocked", """{"version":1,"networks":{"testnet":{"default":{"blocked_transaction_types":["Payment"]}}}}""");
        _sections.Set("open", null);
    }

    public void Dispose() => _harness.Dispose();

    private static OperationContext As(string? agent) =>
        new("corr-1", new AuditActor(AuditActorType.User, agent is null ? "mcp-client" : "agent:" + agent), "tx_sign") { Agent = agent };

    [Fact]
    public async Task An_approval_the_agents_section_asks_is_asked_signed_and_the_audit_names_both_sections()
    {
        var wallet = _harness.CreateWallet();
        var person = new GrantingApprover();

        var signed = await _transactions.SignAsync(new SigningRequest("alice", SigningHarness.Payment(wallet.Address, "1000000"), Autofill: false), null, person, As("strict"));

        var asked = Assert.Single(person.Asked);
        Assert.Contains(asked.Summary.Lines.Concat(asked.Summary.Warnings), line => line.Contains("agent strict's policy", StringComparison.Ordinal));
        Assert.Equal(PolicyDecisionKind.Approve, signed.Result.Decision.Kind);
        var line = _harness.AuditLines()[^1];
        var entry = line["operation"]!;
        Assert.Contains("agent:strict", line["actor"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(["home", "agent:strict"], entry["parameters"]!["policy"]!.AsArray().Select(item => item!.GetValue<string>()));
    }

    [Fact]
    public async Task The_same_payment_is_allowed_for_an_agent_without_a_section_and_over_stdio()
    {
        var wallet = _harness.CreateWallet();

        foreach (var agent in new[] { "open", null })
        {
            var person = new GrantingApprover();
            var signed = await _transactions.SignAsync(new SigningRequest("alice", SigningHarness.Payment(wallet.Address, "1000000", sequence: agent is null ? 6u : 5u), Autofill: false), null, person, As(agent));
            Assert.Empty(person.Asked);
            Assert.Equal(PolicyDecisionKind.Allow, signed.Result.Decision.Kind);
            Assert.Equal(["home"], _harness.AuditLines()[^1]["operation"]!["parameters"]!["policy"]!.AsArray().Select(item => item!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task An_approval_given_for_one_agents_request_is_not_redeemable_by_another_agent()
    {
        var wallet = _harness.CreateWallet();
        _sections.Set("strict2", """{"version":1,"networks":{"testnet":{"default":{"max_per_transaction":{"XRP":"0.5"}}}}}""");
        var forStrict = await _signing.PrepareAsync(new SigningRequest("alice", SigningHarness.Payment(wallet.Address, "1000000"), Autofill: false) { Agent = "strict" }, SigningHarness.Unlock, CancellationToken.None);
        var unwrapsBefore = _harness.Provider.Unwraps;

        var refused = await Assert.ThrowsAsync<ApprovalException>(() =>
            _transactions.SignAsync(new SigningRequest("alice", SigningHarness.Payment(wallet.Address, "1000000"), Autofill: false), null, new ReplayingApprover(forStrict.ApprovalBinding), As("strict2")));

        Assert.Equal("approval_declined", refused.Code);
        Assert.Equal(unwrapsBefore, _harness.Provider.Unwraps);
    }

    [Fact]
    public async Task The_section_comes_from_the_callers_identity_and_never_from_the_request()
    {
        var wallet = _harness.CreateWallet();
        var unwrapsBefore = _harness.Provider.Unwraps;

        var refused = await Assert.ThrowsAsync<PolicyDeniedException>(() =>
            _transactions.SignAsync(new SigningRequest("alice", SigningHarness.Payment(wallet.Address, "1000000"), Autofill: false) { Agent = "open" }, null, new GrantingApprover(), As("blocked")));

        Assert.Equal(("blocked_transaction_types", "agent:blocked"), (refused.Reasons[0].Rule, refused.Reasons[0].Section));
        Assert.Equal(unwrapsBefore, _harness.Provider.Unwraps);
    }

    [Fact]
    public async Task A_tampered_or_missing_agent_section_and_an_unknown_agent_refuse_before_any_key_is_opened()
    {
        var wallet = _harness.CreateWallet();
        File.WriteAllText(_sections.PathOf("strict"), """{"version":1,"networks":{"testnet":{"default":{}}}}""");
        File.Delete(_sections.PathOf("blocked"));
        var unwrapsBefore = _harness.Provider.Unwraps;

        foreach (var agent in new[] { "strict", "blocked", "stranger" })
        {
            var refused = await Assert.ThrowsAsync<PolicyDeniedException>(() =>
                _transactions.SignAsync(new SigningRequest("alice", SigningHarness.Payment(wallet.Address, "1000000"), Autofill: false), null, new GrantingApprover(), As(agent)));
            Assert.Equal("agent_policy", Assert.Single(refused.Reasons).Rule);
            Assert.Equal("denied", _harness.AuditLines()[^1]["operation"]!["result"]!.GetValue<string>());
        }

        Assert.Equal(unwrapsBefore, _harness.Provider.Unwraps);
    }

    [Fact]
    public async Task A_host_that_cannot_look_up_agents_denies_an_agents_signature()
    {
        var wallet = _harness.CreateWallet();
        var transactions = new TransactionUseCases(_harness.Signing, null, () => SigningHarness.Unlock);

        var refused = await Assert.ThrowsAsync<PolicyDeniedException>(() =>
            transactions.SignAsync(new SigningRequest("alice", SigningHarness.Payment(wallet.Address, "1000000"), Autofill: false), null, new GrantingApprover(), As("open")));

        Assert.Equal("agent_policy", Assert.Single(refused.Reasons).Rule);
    }

    /// <summary>Agents' sections as real files checked against recorded hashes (the host's agent list does this with agents.json).</summary>
    private sealed class FileSections(string folder) : IAgentPolicySource
    {
        private readonly Dictionary<string, string?> _recorded = new(StringComparer.Ordinal);

        public string PathOf(string agent) => Path.Combine(folder, agent + ".policy.json");

        public void Set(string agent, string? json)
        {
            var document = json is null ? null : PolicyDocument.Parse(json);
            if (document is not null)
            {
                PolicyFile.Save(PathOf(agent), document);
            }

            _recorded[agent] = document?.Sha256;
        }

        public PolicyFile? SectionOf(string agent)
        {
            if (!_recorded.TryGetValue(agent, out var hash))
            {
                return PolicyFile.Untrusted($"agent {agent} is not in the agent list");
            }

            return hash is null ? null : PolicyFile.Load(PathOf(agent), hash);
        }
    }
}
