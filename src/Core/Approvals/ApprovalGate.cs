using System.Security.Cryptography;
using System.Text;
using HsmWallet.Core.Signing;

namespace HsmWallet.Core.Approvals;

/// <summary>
/// The one place that turns "a human must approve" into a grant Core can trust: it asks the approver port and accepts
/// the answer only under Core's <see cref="ApprovalRules"/> (exact binding, the mode in force, verified passkeys, the
/// quorum, a delay only where offered), whatever the front end returned.
/// </summary>
public static class ApprovalGate
{
    /// <summary>
    /// A grant for exactly <paramref name="request"/> from <paramref name="approver"/>, accepted under <paramref name="rules"/>;
    /// without rules (a host with no approvers configured) only a form or operator grant for one approver counts.
    /// </summary>
    public static async Task<ApprovalGrant> RequireAsync(IApprover approver, ApprovalRequest request, OperationContext context, ApprovalRules? rules)
    {
        ArgumentNullException.ThrowIfNull(approver);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var grant = await approver.ApproveAsync(request, context).ConfigureAwait(false);
        context.Cancellation.ThrowIfCancellationRequested();
        if (rules is not null)
        {
            return rules.Accept(grant, request);
        }

        if (!Matches(grant, request.Binding))
        {
            throw new ApprovalException("approval_declined", "the approval given was for other data; nothing was signed or changed");
        }

        if (grant.Passkeys.Count > 0 || string.Equals(grant.Via, ApprovalGrant.ViaPasskey, StringComparison.Ordinal) || request.Quorum > 1
            || (string.Equals(grant.Via, ApprovalGrant.ViaDelay, StringComparison.Ordinal) && request.Delay is null))
        {
            throw new ApprovalException("approval_declined", "this approval cannot be checked here (no approval rules are configured); nothing was signed or changed");
        }

        return grant;
    }

    /// <summary>True when <paramref name="grant"/> approves exactly <paramref name="binding"/> (compared in constant time).</summary>
    public static bool Matches(ApprovalGrant? grant, string binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        return grant is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(grant.Binding), Encoding.ASCII.GetBytes(binding));
    }
}
