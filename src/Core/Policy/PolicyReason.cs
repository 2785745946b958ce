namespace HsmWallet.Core.Policy;

/// <summary>One rule that spoke about a transaction, so operators and agents see exactly why.</summary>
/// <param name="Rule">The rule's name as the policy file spells it (for example "max_daily_volume").</param>
/// <param name="Message">A sentence saying what tripped; never a secret.</param>
/// <param name="Outcome">What this rule alone asks for (Approve or Deny).</param>
public sealed record PolicyReason(string Rule, string Message, PolicyDecisionKind Outcome);
