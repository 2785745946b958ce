namespace HsmWallet.Core.Approvals;

/// <summary>What Core asks a human to approve: the operation, the binding Core computed over its exact data, and the summary in words.</summary>
/// <param name="Operation">The operation asked for (tx_sign, wallet_export, wallet_delete, unfreeze).</param>
/// <param name="Binding">The approval binding of exactly the data to be acted on (see <see cref="ApprovalBinding"/>); computed in Core.</param>
/// <param name="Summary">What the person is shown: the operation in words, warnings and untrusted text marked.</param>
/// <param name="ApprovalId">The id of an earlier pending approval the caller presents for redemption, or null to ask now.</param>
public sealed record ApprovalRequest(string Operation, string Binding, ApprovalSummary Summary, string? ApprovalId)
{
    /// <summary>How many distinct enrolled approvers must sign with their passkeys (the policy's quorum); 1 unless a rule asks more.</summary>
    public int Quorum { get; init; } = 1;

    /// <summary>
    /// When the policy lets this be signed after a wait instead of a person's yes: how long, during which the operator or
    /// an approver can veto. Null when a person must approve.
    /// </summary>
    public TimeSpan? Delay { get; init; }
}
