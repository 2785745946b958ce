namespace HsmWallet.Core.Audit;

/// <summary>
/// An anchor that lives only in this process: the reference for the IAuditAnchor contract, for
/// tests, and for a long-running server that wants rollback detection within its own lifetime.
/// </summary>
public sealed class InMemoryAuditAnchor : IAuditAnchor
{
    private long value;

    /// <summary>Starts the counter at a value, as a hardware counter starts wherever it was left.</summary>
    public InMemoryAuditAnchor(ulong initialValue = 0)
    {
        value = unchecked((long)initialValue);
    }

    /// <inheritdoc />
    public ulong Read() => unchecked((ulong)Interlocked.Read(ref value));

    /// <inheritdoc />
    public ulong Increment() => unchecked((ulong)Interlocked.Increment(ref value));
}
