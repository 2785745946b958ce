using HsmWallet.Core.Signing;

namespace HsmWallet.Core.Approvals;

/// <summary>
/// The port through which Core asks a human to decide on one described operation. Core computes the binding and
/// checks that the grant returned is for exactly that binding; a front end only decides how the person is asked
/// (elicitation or the operator's pending-approval store over MCP; a terminal prompt or --yes on the CLI).
/// </summary>
public interface IApprover
{
    /// <summary>
    /// A grant for <see cref="ApprovalRequest.Binding"/>, or an exception: <see cref="ApprovalException"/> with code
    /// approval_pending, approval_declined or invalid_input. Never returns a grant the person did not give.
    /// </summary>
    Task<ApprovalGrant> ApproveAsync(ApprovalRequest request, OperationContext context);
}
