using System.Security.Cryptography;
using System.Text;
using HsmWallet.Core.Signing;

namespace HsmWallet.Core.Approvals;

/// <summary>
/// The one place that turns "a human must approve" into a grant Core can trust: it asks the approver port and
/// accepts the answer only when its binding is exactly the one Core computed, whatever the front end returned.
/// </summary>
public static class ApprovalGate
{
    /// <summary>A grant for exactly <paramref name="request"/>'s binding, from <paramref name="approver"/>; anything else refuses.</summary>
    public static Task<ApprovalGrant> RequireAsync(IApprover approver, ApprovalRequest request, OperationContext context) =>
        RequireAsync(approver, request, context, null);

    /// <summary>
    /// A grant for exactly <paramref name="request"/>'s binding, from <paramref name="approver"/>; a "passkey" grant counts
    /// only when <paramref name="passkeys"/> verifies its assertion over this binding (without one, it is refused).
    /// </summary>
    public static async Task<ApprovalGrant> RequireAsync(IApprover approver, ApprovalRequest request, OperationContext context, PasskeyGrantCheck? passkeys)
    {
        ArgumentNullException.ThrowIfNull(approver);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var grant = await approver.ApproveAsync(request, context).ConfigureAwait(false);
        context.Cancellation.ThrowIfCancellationRequested();
        if (!Matches(grant, request.Binding))
        {
            throw new ApprovalException("approval_declined", "the approval given was for other data; nothing was signed or changed");
        }

        if (string.Equals(grant.Via, ApprovalGrant.ViaPasskey, StringComparison.Ordinal) || grant.Assertion is not null)
        {
            var verified = (passkeys ?? throw new ApprovalException("approval_declined", "a passkey approval cannot be checked here (no enrolled approvers are configured); nothing was signed or changed"))
                .Check(grant, request.Binding);
            return grant with { Approver = verified.Name };
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
