namespace HsmWallet.Core.Policy;

/// <summary>The outcome of evaluating one transaction, with every reason rather than only the first.</summary>
public sealed record PolicyDecision
{
    /// <summary>Builds a decision from its reasons: any Deny denies, else any Approve asks a human, else Allow.</summary>
    public PolicyDecision(IReadOnlyList<PolicyReason> reasons)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        Reasons = reasons;
        Kind = PolicyDecisionKind.Allow;
        foreach (var reason in reasons)
        {
            if (reason.Outcome > Kind)
            {
                Kind = reason.Outcome;
            }
        }
    }

    /// <summary>The combined decision.</summary>
    public PolicyDecisionKind Kind { get; }

    /// <summary>The effect model's reading the decision was made on (null when the engine could not read the transaction).</summary>
    public Effects.TransactionEffects? Effects { get; init; }

    /// <summary>Every rule that tripped (empty for Allow).</summary>
    public IReadOnlyList<PolicyReason> Reasons { get; }

    /// <summary>A Deny with one reason: what every failure of the engine itself becomes.</summary>
    public static PolicyDecision Deny(string rule, string message) =>
        new([new PolicyReason(rule, message, PolicyDecisionKind.Deny)]);
}
