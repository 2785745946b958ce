namespace HsmWallet.Core.Audit;

/// <summary>
/// Raised when an entry cannot be durably recorded, so the audited operation fails with it: no
/// signature leaves without its audit entry. The message names the step, never a value.
/// </summary>
public sealed class AuditWriteException : Exception
{
    /// <summary>Creates the error with a fixed description of the failed step.</summary>
    public AuditWriteException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with the underlying I/O failure kept for diagnostics.</summary>
    public AuditWriteException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the error with a generic message (for serializers and frameworks).</summary>
    public AuditWriteException()
        : base("audit: the entry could not be recorded")
    {
    }
}
