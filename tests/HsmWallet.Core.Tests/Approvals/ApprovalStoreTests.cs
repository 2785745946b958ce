using HsmWallet.Core.Approvals;
using HsmWallet.Core.Tests.Unlocking;
using HsmWallet.Core.Vault;

namespace HsmWallet.Core.Tests.Approvals;

public sealed class ApprovalStoreTests : IDisposable
{
    private static readonly ApprovalSummary Summary = new("Sign Payment on testnet with wallet alice", ["Amount: 1 XRP"], ["new destination"], []);
    private readonly TemporaryDirectory _directory = new();
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
    private readonly ApprovalStore _store;

    public ApprovalStoreTests() => _store = new ApprovalStore(WalletHome.At(Path.Combine(_directory.Path, "home")), _clock);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_request_is_pending_until_the_operator_approves_then_usable_once()
    {
        var request = _store.Create("binding-a", Summary);

        Assert.Equal("approval_pending", Assert.Throws<ApprovalException>(() => _store.Redeem(request.Id, "binding-a")).Code);
        Assert.Equal([request.Id], _store.ListPending().Select(approval => approval.Id));
        _store.Approve(request.Id);
        var grant = _store.Redeem(request.Id, "binding-a");

        Assert.Equal("binding-a", grant.Binding);
        Assert.Equal("operator", grant.Via);
        Assert.Equal("invalid_input", Assert.Throws<ApprovalException>(() => _store.Redeem(request.Id, "binding-a")).Code);
        Assert.Empty(_store.ListPending());
    }

    [Fact]
    public void A_changed_request_is_refused_even_when_approved()
    {
        var request = _store.Create("binding-a", Summary);
        _store.Approve(request.Id);

        var refused = Assert.Throws<ApprovalException>(() => _store.Redeem(request.Id, "binding-b"));

        Assert.Equal("invalid_input", refused.Code);
        Assert.Contains("different signing data", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_denied_request_answers_approval_declined()
    {
        var request = _store.Create("binding-a", Summary);

        _store.Deny(request.Id);

        Assert.Equal("approval_declined", Assert.Throws<ApprovalException>(() => _store.Redeem(request.Id, "binding-a")).Code);
    }

    [Fact]
    public void A_request_expires_after_ten_minutes_and_can_no_longer_be_approved_or_used()
    {
        var request = _store.Create("binding-a", Summary);
        Assert.Equal(_clock.Now + TimeSpan.FromMinutes(10), request.ExpiresAt);
        var approvedInTime = _store.Create("binding-b", Summary);
        _store.Approve(approvedInTime.Id);

        _clock.Advance(TimeSpan.FromMinutes(10));

        Assert.Throws<ApprovalException>(() => _store.Approve(request.Id));
        Assert.Contains("expired", Assert.Throws<ApprovalException>(() => _store.Redeem(approvedInTime.Id, "binding-b")).Message, StringComparison.Ordinal);
        Assert.Empty(_store.ListPending());
    }

    [Theory]
    [InlineData("../vault")]
    [InlineData("apv_0123")]
    [InlineData("")]
    public void An_id_of_the_wrong_shape_is_refused_before_any_file_is_touched(string id)
    {
        var refused = Assert.Throws<ApprovalException>(() => _store.Approve(id));

        Assert.Equal("invalid_input", refused.Code);
        Assert.StartsWith("approval_id:", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Requests_are_stored_owner_only_and_the_summary_survives_a_new_process()
    {
        var request = _store.Create("binding-a", Summary);
        var path = Path.Combine(_directory.Path, "home", "approvals", request.Id + ".json");

        var reread = new ApprovalStore(WalletHome.At(Path.Combine(_directory.Path, "home")), _clock).Get(request.Id);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(Summary.ToText(), reread.Summary.ToText());
    }

    private string ApprovalsFolder => Path.Combine(_directory.Path, "home", "approvals");

    private string[] RecordFiles() => Directory.GetFiles(ApprovalsFolder, "apv_*.json");

    [Fact]
    public void Expired_records_disappear_from_disk_at_the_next_store_operation()
    {
        var pending = _store.Create("binding-a", Summary);
        var approved = _store.Create("binding-b", Summary);
        _store.Approve(approved.Id);
        var denied = _store.Create("binding-c", Summary);
        _store.Deny(denied.Id);
        Assert.Equal(3, RecordFiles().Length);

        _clock.Advance(ApprovalStore.DefaultLifetime);
        var fresh = _store.Create("binding-d", Summary);

        Assert.Equal([fresh.Id + ".json"], RecordFiles().Select(Path.GetFileName));
        Assert.Contains("expired", Assert.Throws<ApprovalException>(() => _store.Redeem(pending.Id, "binding-a")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_used_approval_leaves_no_record_and_cannot_be_used_again()
    {
        var request = _store.Create("binding-a", Summary);
        _store.Approve(request.Id);

        _store.Redeem(request.Id, "binding-a");

        Assert.Empty(RecordFiles());
        var again = Assert.Throws<ApprovalException>(() => _store.Redeem(request.Id, "binding-a"));
        Assert.Equal("invalid_input", again.Code);
        Assert.Contains("already used", again.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_request_past_the_pending_bound_is_refused_naming_the_limit_while_the_operator_still_decides()
    {
        var store = new ApprovalStore(WalletHome.At(Path.Combine(_directory.Path, "home")), _clock, maxPendingPerAgent: 3);
        var waiting = Enumerable.Range(0, 3).Select(i => store.Create("binding-" + i, Summary)).ToList();

        var refused = Assert.Throws<ApprovalException>(() => store.Create("binding-x", Summary));

        Assert.Equal("rate_limited", refused.Code);
        Assert.Contains("(3)", refused.Message, StringComparison.Ordinal);
        Assert.Contains("hsmwallet approve list", refused.Message, StringComparison.Ordinal);
        Assert.Equal(ApprovalStore.DefaultLifetime, refused.RetryAfter);
        Assert.Equal(3, RecordFiles().Length);

        store.Approve(waiting[0].Id);
        store.Deny(waiting[1].Id);
        Assert.Equal("approval_declined", Assert.Throws<ApprovalException>(() => store.Redeem(waiting[1].Id, "binding-1")).Code);
        store.Redeem(waiting[0].Id, "binding-0");
        var next = store.Create("binding-y", Summary);
        store.Create("binding-z", Summary);

        Assert.Throws<ApprovalException>(() => store.Create("binding-w", Summary));
        Assert.Equal(3, store.ListPending().Count);
        Assert.Contains(next.Id, store.ListPending().Select(approval => approval.Id));
    }

    [Fact]
    public void An_expired_request_frees_its_place_under_the_bound()
    {
        var store = new ApprovalStore(WalletHome.At(Path.Combine(_directory.Path, "home")), _clock, maxPendingPerAgent: 1);
        store.Create("binding-a", Summary);
        Assert.Throws<ApprovalException>(() => store.Create("binding-b", Summary));

        _clock.Advance(ApprovalStore.DefaultLifetime);

        Assert.Equal(ApprovalState.Pending, store.Create("binding-b", Summary).State);
        Assert.Single(RecordFiles());
    }

    [Fact]
    public void The_bound_counts_each_agent_on_its_own()
    {
        var store = new ApprovalStore(WalletHome.At(Path.Combine(_directory.Path, "home")), _clock, maxPendingPerAgent: 1);
        store.Create("binding-a", Summary, agent: "agent-1");

        var other = store.Create("binding-b", Summary, agent: "agent-2");

        Assert.Equal("agent-2", store.Get(other.Id).Agent);
        Assert.Equal("rate_limited", Assert.Throws<ApprovalException>(() => store.Create("binding-c", Summary, agent: "agent-1")).Code);
    }

    [Fact]
    public void A_delayed_request_answers_approval_delayed_until_its_time_then_grants_a_delay_once()
    {
        var delayed = _store.Create(new ApprovalRequest("tx_sign", "binding-d", Summary, null) { Delay = TimeSpan.FromMinutes(10) });

        var early = Assert.Throws<ApprovalException>(() => _store.Redeem(delayed.Id, "binding-d"));
        _clock.Advance(TimeSpan.FromMinutes(10));
        var grant = _store.Redeem(delayed.Id, "binding-d");

        Assert.Equal("approval_delayed", early.Code);
        Assert.Equal(ApprovalGrant.ViaDelay, grant.Via);
        Assert.Equal("invalid_input", Assert.Throws<ApprovalException>(() => _store.Redeem(delayed.Id, "binding-d")).Code);
    }

    [Fact]
    public void A_vetoed_delay_is_never_granted_even_after_its_time()
    {
        var delayed = _store.Create(new ApprovalRequest("tx_sign", "binding-d", Summary, null) { Delay = TimeSpan.FromMinutes(10) });

        _store.Deny(delayed.Id);
        _clock.Advance(TimeSpan.FromMinutes(11));
        var vetoed = Assert.Throws<ApprovalException>(() => _store.Redeem(delayed.Id, "binding-d"));

        Assert.Equal("approval_declined", vetoed.Code);
        Assert.Contains("vetoed", vetoed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_quorum_request_is_approved_only_by_enough_distinct_approvers_and_never_by_the_operators_yes()
    {
        var request = _store.Create(new ApprovalRequest("tx_sign", "binding-q", Summary, null) { Quorum = 2 });
        var alice = new PasskeyApproval("alice", new PasskeyAssertion("{}", new string('1', 64)));
        var bob = new PasskeyApproval("bob", new PasskeyAssertion("{}", new string('2', 64)));

        var operatorYes = Assert.Throws<ApprovalException>(() => _store.Approve(request.Id));
        var first = _store.AddPasskey(request.Id, "binding-q", alice);
        var twice = Assert.Throws<ApprovalException>(() => _store.AddPasskey(request.Id, "binding-q", alice with { Assertion = new PasskeyAssertion("{}", new string('3', 64)) }));
        var sameView = Assert.Throws<ApprovalException>(() => _store.AddPasskey(request.Id, "binding-q", bob with { Assertion = alice.Assertion }));
        var pending = Assert.Throws<ApprovalException>(() => _store.Redeem(request.Id, "binding-q"));
        var second = _store.AddPasskey(request.Id, "binding-q", bob);
        var grant = _store.Redeem(request.Id, "binding-q");

        Assert.Contains("passkeys", operatorYes.Message, StringComparison.Ordinal);
        Assert.Equal(ApprovalState.Pending, first.State);
        Assert.Contains("already approved", twice.Message, StringComparison.Ordinal);
        Assert.StartsWith("assertion.nonce:", sameView.Message, StringComparison.Ordinal);
        Assert.Equal("approval_pending", pending.Code);
        Assert.Equal(ApprovalState.Approved, second.State);
        Assert.Equal(ApprovalGrant.ViaPasskey, grant.Via);
        Assert.Equal(["alice", "bob"], grant.Approvers);
    }
}
