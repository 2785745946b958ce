namespace HsmWallet.Core.Audit;

/// <summary>
/// A monotonic counter outside the audit folder (a TPM NV counter, later) that the head record
/// names, so restoring an older copy of both the log and its head is detected: the counter has
/// moved on and cannot move back.
/// </summary>
public interface IAuditAnchor
{
    /// <summary>Returns the counter's value for this audit folder: 0 before its first increment (a hardware counter subtracts the base it started from).</summary>
    ulong Read();

    /// <summary>Raises the counter by one and returns the new value; it never goes down.</summary>
    ulong Increment();
}
