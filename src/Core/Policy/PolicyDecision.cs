namespace HsmWallet.Core.Policy;

/// <summary>The outcome of evaluating one transaction, with every reason rather than only the first.</summary>
public sealed record PolicyDecision
{
    /// <summary>Builds a decision from its reasons: any Deny denies, else any Approve asks a human, else any Delay waits, else Allow.</summary>
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

    /// <summary>For Approve: how many distinct approvers' passkeys the approval needs (the largest any rule asks; 1: one person).</summary>
    public int Quorum => Reasons.Where(reason => reason.Outcome == PolicyDecisionKind.Approve).Select(reason => reason.Quorum).DefaultIfEmpty(1).Max();

    /// <summary>For Delay: how long the transaction waits before it may be signed (the longest any rule asks).</summary>
    public TimeSpan? Delay => Kind == PolicyDecisionKind.Delay
        ? Reasons.Where(reason => reason.Delay is not null).Select(reason => reason.Delay!.Value).DefaultIfEmpty(TimeSpan.Zero).Max()
        : null;

    /// <summary>The effect model's reading the decision was made on (null when the engine could not read the transaction).</summary>
    public Effects.TransactionEffects? Effects { get; init; }

    /// <summary>The policy sections whose rules this decision applied: "home", then agent:NAME when the calling agent's own section had rules for the network (or could not be trusted).</summary>
    public IReadOnlyList<string> Sections { get; init; } = [PolicyReason.HomeSection];

    /// <summary>Every rule that tripped (empty for Allow).</summary>
    public IReadOnlyList<PolicyReason> Reasons { get; }

    /// <summary>A Deny with one reason: what every failure of the engine itself becomes.</summary>
    public static PolicyDecision Deny(string rule, string message) =>
        new([new PolicyReason(rule, message, PolicyDecisionKind.Deny)]);
}
