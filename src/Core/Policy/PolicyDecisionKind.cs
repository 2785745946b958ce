namespace HsmWallet.Core.Policy;

/// <summary>What the policy says about a transaction, weakest first: sign it, sign it after a vetoable delay, ask a human first, or refuse it.</summary>
public enum PolicyDecisionKind
{
    /// <summary>Within every rule: may be signed without a human.</summary>
    Allow,

    /// <summary>May be signed after the policy's delay unless the operator or an approver vetoes it meanwhile (a person's yes also suffices).</summary>
    Delay,

    /// <summary>A human must approve before it is signed.</summary>
    Approve,

    /// <summary>Refused; no approval can override it.</summary>
    Deny,
}
