using HsmWallet.Core.Ledger;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Signing;
using HsmWallet.Core.Tests.Fixtures;
using HsmWallet.Core.Xrpl.Addresses;

namespace HsmWallet.Core.Tests.Signing;

/// <summary>Autofill for an agent caps the Fee at the lower of the home's and its own section's max_fee, so the agent's section does not deny the Fee autofill chose.</summary>
public sealed class AgentSectionAutofillTests : IAsyncLifetime
{
    private RippledStandIn _ledger = null!;
    private LedgerClient _client = null!;
    private SigningHarness _harness = null!;

    public Task InitializeAsync()
    {
        _ledger = RippledStandIn.Start();
        _ledger.OpenLedgerFee = 500;
        _client = new LedgerClient(_ledger.Network(), new LedgerClientOptions { RequestTimeout = TimeSpan.FromSeconds(5), MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(10) });
        _harness = new SigningHarness(ledger: _client);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _harness.Dispose();
        _client.Dispose();
        await _ledger.DisposeAsync();
    }

    [Fact]
    public async Task Autofill_for_an_agent_takes_the_lower_max_fee_of_its_section_and_the_home()
    {
        var wallet = _harness.CreateWallet();
        _ledger.Fund(AccountId.ParseClassic(wallet.Address, "wallet"), 100_000_000_000, sequence: 7);
        var section = PolicyFile.Trusted(PolicyDocument.Parse("""{"version":1,"networks":{"testnet":{"default":{"max_fee":"0.0001"}}}}"""));
        var signing = new TransactionSigningService(_harness.Vault, _harness.Wallets, LedgerNetwork.Testnet, _harness.Audit, _client, _harness.Clock, agentPolicies: new OneSection(section));
        var payment = SigningHarness.Payment(wallet.Address, "1000000");
        payment.Remove("Fee");
        payment.Remove("Sequence");

        var forAgent = await signing.PrepareAsync(new SigningRequest("alice", payment.DeepClone().AsObject(), Autofill: true) { Agent = "bot" }, SigningHarness.Unlock, CancellationToken.None);
        var overStdio = await signing.PrepareAsync(new SigningRequest("alice", payment, Autofill: true), SigningHarness.Unlock, CancellationToken.None);

        Assert.Equal("100", forAgent.Transaction["Fee"]!.GetValue<string>());
        Assert.Equal(PolicyDecisionKind.Allow, forAgent.Decision.Kind);
        Assert.Equal("500", overStdio.Transaction["Fee"]!.GetValue<string>());
    }

    private sealed class OneSection(PolicyFile section) : IAgentPolicySource
    {
        public PolicyFile? SectionOf(string agent) => section;
    }
}
