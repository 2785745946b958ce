namespace HsmWallet.Core.Approvals;

/// <summary>Where a pending approval stands, as the operator's CLI and the retrying agent see it.</summary>
public enum ApprovalState
{
    /// <summary>Waiting for the operator (`hsmwallet approve ID` or `deny ID`).</summary>
    Pending,

    /// <summary>The operator approved; the next matching `tx_sign` with this id may sign, once.</summary>
    Approved,

    /// <summary>The operator refused; nothing will be signed with this id.</summary>
    Denied,

    /// <summary>Used once already; a second use needs a new approval.</summary>
    Used,
}
