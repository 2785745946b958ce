namespace HsmWallet.Core.Audit;

/// <summary>
/// Where an operation records itself before it returns: the signing use case depends on this, not on how the
/// host obtained the chain's key, so an append that fails fails the operation.
/// </summary>
public interface IAuditLog
{
    /// <summary>Appends one event durably (fsynced) or throws; the caller must not proceed when it throws.</summary>
    AuditEntry Append(AuditEvent auditEvent);
}
