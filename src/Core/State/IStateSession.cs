namespace HsmWallet.Core.State;

/// <summary>
/// The documents of a store as one <see cref="IStateStore.Exclusive{T}"/> call sees them: names are relative paths
/// such as <c>state/policy-counters.json</c> or <c>approvals/ID.json</c> (checked by <see cref="StateName"/>).
/// </summary>
public interface IStateSession
{
    /// <summary>The document's bytes, or null when it does not exist; a document that is not the owner's alone is refused.</summary>
    byte[]? Read(string name);

    /// <summary>Replaces (or creates) the document with <paramref name="content"/>.</summary>
    void Write(string name, ReadOnlySpan<byte> content);

    /// <summary>Removes the document; false when there was none.</summary>
    bool Delete(string name);

    /// <summary>The names of the documents directly in <paramref name="folder"/> (such as <c>approvals</c>), in ordinal order.</summary>
    IReadOnlyList<string> List(string folder);

    /// <summary>
    /// Runs <paramref name="action"/> once what this session wrote so far is durable (at once where the backend does
    /// not say later): so a record of a write (the audit head's generation of a sealed document) never gets ahead of it.
    /// </summary>
    void AfterCommit(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        action();
    }
}
