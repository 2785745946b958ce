namespace HsmWallet.Core.Audit;

/// <summary>How an audited operation ended, so refusals are as visible as successes.</summary>
public enum AuditResult
{
    /// <summary>The operation did what was asked (wire name "success").</summary>
    Success,

    /// <summary>The operation was attempted and failed (wire name "failure").</summary>
    Failure,

    /// <summary>The operation was refused by policy, lockout or a person (wire name "denied").</summary>
    Denied,

    /// <summary>
    /// The operation is about to change something (wire name "started"): written before the change so a
    /// change whose result could not be recorded still shows in the log as attempted.
    /// </summary>
    Started,
}
