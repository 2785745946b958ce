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
    public static async Task<ApprovalGrant> RequireAsync(IApprover approver, ApprovalRequest request, OperationContext context)
    {
        ArgumentNullException.ThrowIfNull(approver);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var grant = await approver.ApproveAsync(request, context).ConfigureAwait(false);
        context.Cancellation.ThrowIfCancellationRequested();
        return Matches(grant, request.Binding)
            ? grant
            : throw new ApprovalException("approval_declined", "the approval given was for other data; nothing was signed or changed");
    }

    /// <summary>True when <paramref name="grant"/> approves exactly <paramref name="binding"/> (compared in constant time).</summary>
    public static bool Matches(ApprovalGrant? grant, string binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        return grant is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(grant.Binding), Encoding.ASCII.GetBytes(binding));
    }
}
