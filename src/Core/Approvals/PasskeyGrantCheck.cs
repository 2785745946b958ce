namespace HsmWallet.Core.Approvals;

/// <summary>
/// Core's own check of a passkey grant: the challenge is recomputed from the binding Core computed and the grant's
/// nonce, the assertion verified against the vault's enrolled approvers, and the counter advanced in the vault, so a
/// grant for other data, from a stranger's key, or replayed is refused whatever the front end claimed.
/// </summary>
public sealed class PasskeyGrantCheck
{
    private readonly PasskeyApproverStore _approvers;
    private readonly IApprovalAssertionVerifier _verifier;

    /// <summary>Binds the enrolled approvers and the WebAuthn verifier adapter.</summary>
    public PasskeyGrantCheck(PasskeyApproverStore approvers, IApprovalAssertionVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(approvers);
        ArgumentNullException.ThrowIfNull(verifier);
        _approvers = approvers;
        _verifier = verifier;
    }

    /// <summary>The approver who signed <paramref name="grant"/>'s assertion over exactly <paramref name="binding"/>; throws approval_declined otherwise.</summary>
    public EnrolledApprover Check(ApprovalGrant grant, string binding)
    {
        ArgumentNullException.ThrowIfNull(grant);
        var assertion = grant.Assertion
            ?? throw new ApprovalException("approval_declined", "a passkey approval must carry its assertion; nothing was signed or changed");
        var approver = _approvers.VerifyAndAdvance(_verifier, assertion, PasskeyChallenge.For(binding, assertion.Nonce));
        if (grant.Approver is { } claimed && !string.Equals(claimed, approver.Name, StringComparison.Ordinal))
        {
            throw new ApprovalException("approval_declined", "the assertion was made by another approver than the grant names; nothing was signed or changed");
        }

        return approver;
    }
}
