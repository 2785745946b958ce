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

    /// <summary>What is asked (tx_sign, wallet_export, wallet_delete, unfreeze), shown on the page.</summary>
    public string Operation { get; init; } = "tx_sign";

    /// <summary>How many distinct approvers' passkeys it needs (1 unless the policy's quorum asks more).</summary>
    public int Quorum { get; init; } = 1;

    /// <summary>For a delay the policy set: the instant after which it may be used unless vetoed; null when a person must approve.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>The passkey approvals given so far on its page (verified there; Core verifies them again when it acts).</summary>
    public IReadOnlyList<PasskeyApproval> Passkeys { get; init; } = [];
}
