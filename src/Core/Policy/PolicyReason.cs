namespace HsmWallet.Core.Policy;

/// <summary>One rule that spoke about a transaction, so operators and agents see exactly why.</summary>
/// <param name="Rule">The rule's name as the policy file spells it (for example "max_daily_volume").</param>
/// <param name="Message">A sentence saying what tripped; never a secret.</param>
/// <param name="Outcome">What this rule alone asks for (Delay, Approve or Deny).</param>
public sealed record PolicyReason(string Rule, string Message, PolicyDecisionKind Outcome)
{
    /// <summary>For Approve: how many distinct approvers' passkeys this rule asks for (1: one person).</summary>
    public int Quorum { get; init; } = 1;

    /// <summary>For Delay: how long the transaction waits, vetoable, before it may be signed.</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>Which policy section spoke: <see cref="HomeSection"/>, or agent:NAME for the calling agent's own section (docs/policy.md, Per-agent sections).</summary>
    public string Section { get; init; } = HomeSection;

    /// <summary>The name of the home's policy (policy.json) as a section: what every signature must pass.</summary>
    public const string HomeSection = "home";
}
