using System.Globalization;

namespace HsmWallet.Core.Approvals;

/// <summary>
/// Core's rules for what a grant must be, whatever front end produced it: exactly the binding Core computed; at least
/// the approval mode in force (the stronger of what the host asked and what the vault's operator set); for a passkey
/// grant, every assertion verified over this binding by a distinct active approver, its nonce spent and counter advanced
/// in the vault; as many distinct approvers as the policy's quorum; and a delay grant only where the policy offered one.
/// </summary>
public sealed class ApprovalRules
{
    /// <summary>The most assertions one grant may carry (no quorum can exceed the approvers a vault holds).</summary>
    public const int MaximumAssertions = PasskeyApproverStore.MaximumApprovers;

    private readonly IApprovalAssertionVerifier _verifier;

    /// <summary>Binds the enrolled approvers, the WebAuthn adapter, and the mode the host asked for (null: the vault's).</summary>
    public ApprovalRules(PasskeyApproverStore approvers, IApprovalAssertionVerifier verifier, ApprovalMode? hostMode = null)
    {
        ArgumentNullException.ThrowIfNull(approvers);
        ArgumentNullException.ThrowIfNull(verifier);
        Approvers = approvers;
        _verifier = verifier;
        HostMode = hostMode;
    }

    /// <summary>The enrolled approvers (the pages verify answers against them too).</summary>
    public PasskeyApproverStore Approvers { get; }

    /// <summary>The WebAuthn adapter the pages and Core check assertions with.</summary>
    public IApprovalAssertionVerifier Verifier => _verifier;

    /// <summary>The mode the host asked for, or null to follow the vault.</summary>
    public ApprovalMode? HostMode { get; }

    /// <summary>The mode in force now: the stronger of the host's and the vault's (read afresh, so the operator's change applies at once).</summary>
    public ApprovalMode Mode()
    {
        var vault = Approvers.Mode();
        return HostMode is { } host && host > vault ? host : vault;
    }

    /// <summary>
    /// <paramref name="grant"/> as Core accepts it for <paramref name="request"/> (passkey approvers' names as verified);
    /// throws approval_declined naming the rule otherwise. A passkey grant's nonces are spent by this call.
    /// </summary>
    public ApprovalGrant Accept(ApprovalGrant grant, ApprovalRequest request)
    {
        ArgumentNullException.ThrowIfNull(grant);
        ArgumentNullException.ThrowIfNull(request);
        if (!ApprovalGate.Matches(grant, request.Binding))
        {
            throw Declined("the approval given was for other data");
        }

        if (string.Equals(grant.Via, ApprovalGrant.ViaDelay, StringComparison.Ordinal))
        {
            return request.Delay is not null && grant.Passkeys.Count == 0
                ? grant
                : throw Declined("this needs a person's approval; a delay does not stand in for it");
        }

        if (grant.Passkeys.Count > 0 || string.Equals(grant.Via, ApprovalGrant.ViaPasskey, StringComparison.Ordinal))
        {
            return AcceptPasskeys(grant, request);
        }

        if (request.Quorum > 1)
        {
            throw Declined(string.Create(CultureInfo.InvariantCulture, $"the policy needs {request.Quorum} distinct approvers' passkeys for this"));
        }

        var mode = Mode();
        if (mode == ApprovalMode.Passkey)
        {
            throw Declined("approvals here need an enrolled approver's passkey (approval mode passkey); a form or the CLI's yes does not count");
        }

        if (mode == ApprovalMode.Operator && !string.Equals(grant.Via, ApprovalGrant.ViaOperator, StringComparison.Ordinal))
        {
            throw Declined("approvals here need the operator (`hsmwallet approve ID`) or a passkey (approval mode operator); the client's form does not count");
        }

        return grant;
    }

    private ApprovalGrant AcceptPasskeys(ApprovalGrant grant, ApprovalRequest request)
    {
        if (grant.Passkeys.Count == 0 || grant.Passkeys.Count > MaximumAssertions)
        {
            throw Declined(string.Create(CultureInfo.InvariantCulture, $"a passkey approval must carry 1 to {MaximumAssertions} assertions"));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var verified = new List<PasskeyApproval>();
        foreach (var passkey in grant.Passkeys)
        {
            if (!names.Add(passkey.Approver))
            {
                throw Declined("approver " + passkey.Approver + " appears twice; a quorum counts distinct people");
            }

            var approver = Approvers.VerifyAndSpend(_verifier, passkey, request.Binding);
            verified.Add(passkey with { Approver = approver.Name });
        }

        var needed = Math.Max(1, request.Quorum);
        if (verified.Count < needed)
        {
            throw Declined(string.Create(CultureInfo.InvariantCulture, $"the policy needs {needed} distinct approvers; {verified.Count} approved ({string.Join(", ", names)})"));
        }

        return grant with { Via = ApprovalGrant.ViaPasskey, Passkeys = verified };
    }

    private static ApprovalException Declined(string why) => new("approval_declined", why + "; nothing was signed or changed");
}
