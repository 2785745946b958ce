namespace HsmWallet.Core.Policy;

/// <summary>What the policy says about a transaction: sign it, ask a human first, or refuse it.</summary>
public enum PolicyDecisionKind
{
    /// <summary>Within every rule: may be signed without a human.</summary>
    Allow,

    /// <summary>A human must approve before it is signed.</summary>
    Approve,

    /// <summary>Refused; no approval can override it.</summary>
    Deny,
}
