namespace HsmWallet.Core.State;

/// <summary>
/// Maps a path in a home (such as HOME/state/signing-testnet.json) to the file backend and the document it is, for
/// callers and tests that still name a file: one place that knows how the two spellings meet.
/// </summary>
public static class StateFiles
{
    /// <summary>The file store of the home that holds <paramref name="path"/>, and the document name of the file.</summary>
    public static (IStateStore Store, string Document) Locate(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full) ?? throw new InvalidInputException("state document", "must be a file in a folder of a home");
        var home = Path.GetDirectoryName(folder) ?? throw new InvalidInputException("state document", "must be a file in a folder of a home");
        var document = StateName.Check(Path.GetFileName(folder) + "/" + Path.GetFileName(full));
        return (new FileStateStore(home), document);
    }
}
