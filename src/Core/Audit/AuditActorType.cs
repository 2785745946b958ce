namespace HsmWallet.Core.Audit;

/// <summary>Who started an operation, so an auditor can tell an operator's act from an agent's or a timer's.</summary>
public enum AuditActorType
{
    /// <summary>A person or the agent acting for one (wire name "user").</summary>
    User,

    /// <summary>The wallet itself (wire name "system").</summary>
    System,

    /// <summary>A scheduled job (wire name "scheduled").</summary>
    Scheduled,
}
