namespace HsmWallet.Core.Audit;

/// <summary>
/// A monotonic counter outside the audit folder (a TPM NV counter, later) that the head record
/// names, so restoring an older copy of both the log and its head is detected: the counter has
/// moved on and cannot move back.
/// </summary>
public interface IAuditAnchor
{
    /// <summary>Returns the counter's value: 0 before its first increment.</summary>
    ulong Read();

    /// <summary>
    /// Raises the counter and returns the new value; it never goes down. After the first increment each one
    /// adds exactly one; the first may start anywhere above 0 (a TPM counter starts at the highest value any
    /// counter on that TPM has had), and the writer records where it started.
    /// </summary>
    ulong Increment();
}
