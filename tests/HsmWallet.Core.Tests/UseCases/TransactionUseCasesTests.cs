using HsmWallet.Core.Approvals;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Signing;
using HsmWallet.Core.Tests.Signing;

namespace HsmWallet.Core.Tests.UseCases;

public sealed class TransactionUseCasesTests : IDisposable
{
    private readonly SigningHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task A_payment_the_policy_allows_is_signed_without_asking_anyone()
    {
        var wallet = _harness.CreateWallet();
        var person = new GrantingApprover();

        var signed = await _harness.Transactions.SignAsync(new SigningRequest("alice", SigningHarness.Payment(wallet.Address, "1000000"), Autofill: false), null, person, SigningHarness.Context);

        Assert.NotEmpty(signed.Result.TxBlob);
        Assert.Empty(person.Asked);
    }

    [Fact]
    public async Task A_payment_over_the_limit_is_signed_only_after_the_person_approved_exactly_it()
    {
        var wallet = _harness.CreateWallet();
        var person = new GrantingApprover();

        var signed = await _harness.Transactions.SignAsync(new SigningRequest("alice", SigningHarness.Payment(wallet.Address, "20000000000"), Autofill: false), null, person, SigningHarness.Context);

        var asked = Assert.Single(person.Asked);
        Assert.Equal("tx_sign", asked.Operation);
        Assert.Contains(asked.Summary.Lines, line => line.Contains("rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe", StringComparison.Ordinal));
        Assert.Equal(PolicyDecisionKind.Approve, signed.Result.Decision.Kind);
        Assert.Equal("operator", _harness.AuditLines()[^1]["operation"]!["parameters"]!["approved_via"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_declined_payment_touches_no_key_and_is_on_record()
    {
        var wallet = _harness.CreateWallet();
        var unwrapsBefore = _harness.Provider.Unwraps;

        var refused = await Assert.ThrowsAsync<ApprovalException>(() =>
            _harness.Transactions.SignAsync(new SigningRequest("alice", SigningHarness.Payment(wallet.Address, "20000000000"), Autofill: false), null, new DecliningApprover(), SigningHarness.Context));

        Assert.Equal("approval_declined", refused.Code);
        Assert.Equal(unwrapsBefore, _harness.Provider.Unwraps);
        var entry = _harness.AuditLines()[^1];
        Assert.Equal("denied", entry["operation"]!["result"]!.GetValue<string>());
        Assert.Equal("approval_declined", entry["operation"]!["errorCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_grant_for_a_smaller_payment_never_signs_a_larger_one()
    {
        var wallet = _harness.CreateWallet();
        var smaller = await _harness.Signing.PrepareAsync(new SigningRequest("alice", SigningHarness.Payment(wallet.Address, "20000000001"), Autofill: false), SigningHarness.Unlock, CancellationToken.None);
        var unwrapsBefore = _harness.Provider.Unwraps;

        await Assert.ThrowsAsync<ApprovalException>(() =>
            _harness.Transactions.SignAsync(new SigningRequest("alice", SigningHarness.Payment(wallet.Address, "90000000000"), Autofill: false), null, new ReplayingApprover(smaller.ApprovalBinding), SigningHarness.Context));

        Assert.Equal(unwrapsBefore, _harness.Provider.Unwraps);
    }

    [Fact]
    public async Task Nothing_is_signed_once_the_caller_stopped_waiting()
    {
        var wallet = _harness.CreateWallet();
        using var gone = new CancellationTokenSource();
        await gone.CancelAsync();
        var unwrapsBefore = _harness.Provider.Unwraps;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _harness.Transactions.SignAsync(new SigningRequest("alice", SigningHarness.Payment(wallet.Address, "20000000000"), Autofill: false), null, new GrantingApprover(), SigningHarness.Context with { Cancellation = gone.Token }));

        Assert.Equal(unwrapsBefore, _harness.Provider.Unwraps);
    }
}
