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
}
