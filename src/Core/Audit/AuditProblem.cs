namespace HsmWallet.Core.Audit;

/// <summary>What verification found wrong with the log, so an operator knows what kind of tampering to look for.</summary>
public enum AuditProblem
{
    /// <summary>An entry's content no longer matches its MAC (wire name "edited").</summary>
    Edited,

    /// <summary>Entries are missing from the middle of the chain (wire name "deleted").</summary>
    Deleted,

    /// <summary>An entry that does not belong to the chain was added (wire name "inserted").</summary>
    Inserted,

    /// <summary>Authentic entries appear out of order (wire name "reordered").</summary>
    Reordered,

    /// <summary>The log ends before the sequence its head record names (wire name "truncated").</summary>
    Truncated,

    /// <summary>The log and head are an older copy than the anchor has seen (wire name "rolled_back").</summary>
    RolledBack,

    /// <summary>A file, line or head record cannot be read or parsed (wire name "unreadable").</summary>
    Unreadable,

    /// <summary>The log is gone although the vault records that it had entries (wire name "missing").</summary>
    Missing,

    /// <summary>The chain's head in the shared state store does not match the log (wire name "shared_head"; see "shared_head" in the output).</summary>
    SharedHead,
}
