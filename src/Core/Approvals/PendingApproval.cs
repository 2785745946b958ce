namespace HsmWallet.Core.Approvals;

/// <summary>One request for a human's approval, as stored under the home's approvals/ folder.</summary>
/// <param name="Id">The approval id the agent retries with and the operator approves.</param>
/// <param name="Binding">The fingerprint of the exact data to be signed (see <see cref="ApprovalBinding"/>).</param>
/// <param name="Summary">What the operator is shown.</param>
/// <param name="CreatedAt">When it was asked.</param>
/// <param name="ExpiresAt">After this instant it can no longer be approved or used.</param>
/// <param name="State">Where it stands.</param>
public sealed record PendingApproval(string Id, string Binding, ApprovalSummary Summary, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, ApprovalState State)
{
    /// <summary>Who asked (today the server's one agent), so the bound on waiting requests can be per agent.</summary>
    public string Agent { get; init; } = ApprovalStore.DefaultAgent;
}
