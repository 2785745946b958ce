using HsmWallet.Core.Policy;

namespace HsmWallet.Core.Signing;

/// <summary>
/// The policy says a human must approve and no matching approval was given: nothing was signed. The caller asks
/// the human (elicitation) or records a pending approval, then calls again with the grant.
/// </summary>
public sealed class ApprovalRequiredException : Exception
{
    /// <summary>Creates the exception from the decision that asks for a human.</summary>
    public ApprovalRequiredException(PolicyDecision decision)
        : base("a human must approve this operation")
    {
        Decision = decision;
    }

    /// <summary>Creates the exception without a decision (serializers and analyzers).</summary>
    public ApprovalRequiredException()
        : this(new PolicyDecision([]))
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public ApprovalRequiredException(string message)
        : base(message)
    {
        Decision = new PolicyDecision([]);
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ApprovalRequiredException(string message, Exception innerException)
        : base(message, innerException)
    {
        Decision = new PolicyDecision([]);
    }

    /// <summary>The decision, with the reasons a human is needed.</summary>
    public PolicyDecision Decision { get; }
}
