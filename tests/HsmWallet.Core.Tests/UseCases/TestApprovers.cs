using HsmWallet.Core.Approvals;
using HsmWallet.Core.Signing;

namespace HsmWallet.Core.Tests.UseCases;

/// <summary>A person who approves whatever Core shows them, and remembers what they were shown.</summary>
internal sealed class GrantingApprover : IApprover
{
    public List<ApprovalRequest> Asked { get; } = [];

    public Task<ApprovalGrant> ApproveAsync(ApprovalRequest request, OperationContext context)
    {
        Asked.Add(request);
        return Task.FromResult(new ApprovalGrant(request.Binding, "operator"));
    }
}

/// <summary>A person who says no.</summary>
internal sealed class DecliningApprover : IApprover
{
    public int Calls { get; private set; }

    public Task<ApprovalGrant> ApproveAsync(ApprovalRequest request, OperationContext context)
    {
        Calls++;
        throw new ApprovalException("approval_declined", "not approved");
    }
}

/// <summary>A front end that hands back a grant for other data (a bug, or a replayed grant): Core must refuse it.</summary>
internal sealed class ReplayingApprover(string binding) : IApprover
{
    public Task<ApprovalGrant> ApproveAsync(ApprovalRequest request, OperationContext context) =>
        Task.FromResult(new ApprovalGrant(binding, "operator"));
}
