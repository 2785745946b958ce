namespace HsmWallet.Core.Audit;

/// <summary>
/// Where an operation records itself before it returns: the signing use case depends on this, not on how the
/// host obtained the chain's key, so an append that fails fails the operation.
/// </summary>
public interface IAuditLog
{
    /// <summary>Appends one event durably (fsynced) or throws; the caller must not proceed when it throws.</summary>
    AuditEntry Append(AuditEvent auditEvent);

    /// <summary>
    /// The seal of the state files (counters, signing state), keyed from the same vault secret as the log and
    /// anchored in its head; unlocks with <paramref name="unlock"/> when the key is not held yet.
    /// </summary>
    StateSeal OpenStateSeal(Vault.UnlockOptions unlock);
}
