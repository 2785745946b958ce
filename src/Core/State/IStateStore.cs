namespace HsmWallet.Core.State;

/// <summary>
/// Where the state every limit depends on lives (signing state, policy counters, approvals, lockout): one port with
/// two backends, the home's files for one host and a database shared by several server instances, so the same
/// rules hold whichever instance signs. Documents are opaque bytes (the callers seal what must not be edited).
/// </summary>
public interface IStateStore
{
    /// <summary>What backs this store, for status and logs (never a password).</summary>
    string Description { get; }

    /// <summary>
    /// Runs <paramref name="work"/> holding <paramref name="scope"/>'s lock across every process and instance sharing
    /// this store; what it writes becomes durable together when the outermost call returns (the lock of every scope
    /// joined is held until then), and on a database none of it when it throws (the file backend keeps what was written
    /// before the throw, see <see cref="FileStateStore"/>). A call made inside another on the same thread joins that
    /// session and adds its lock.
    /// Throws <see cref="StateStoreException"/> when the store cannot be reached or the lock is not had in time.
    /// </summary>
    T Exclusive<T>(string scope, Func<IStateSession, T> work);

    /// <summary>
    /// Like <see cref="Exclusive{T}"/>, but in a session of its own that is durable when this call returns, even when
    /// called inside another session that later fails: for records that must outlive a failure around them (a failed
    /// unlock still counts). Never call it on a scope an enclosing session on this thread holds.
    /// </summary>
    T ExclusiveOnItsOwn<T>(string scope, Func<IStateSession, T> work) => Exclusive(scope, work);

    /// <summary>
    /// Document <paramref name="name"/> as last made durable (null when there is none), for a reading that decides
    /// nothing on its own: a check made before a lock is taken and made again under it (the freeze marker and the
    /// counters a decision is previewed with). Whole: never a write half done. A backend may read it without taking its
    /// lock (a database: one statement instead of lock, read and commit); inside a session on this thread it is read in
    /// that session, under its lock, as <see cref="Exclusive{T}"/> would.
    /// </summary>
    byte[]? ReadCommitted(string name) => Exclusive(name, session => session.Read(name));
}
