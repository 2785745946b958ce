namespace HsmWallet.Core.Audit;

/// <summary>
/// Reads the newest entries for `hsmwallet audit show --last N`. It does not verify the chain
/// (that is AuditVerifier's job) and needs no key.
/// </summary>
public static class AuditReader
{
    /// <summary>The most entries one call returns.</summary>
    public const int MaxCount = 100_000;

    /// <summary>Returns up to the last count entries, oldest first; a line that is not an entry throws InvalidInputException.</summary>
    public static IReadOnlyList<AuditEntry> ReadLast(string folder, int count)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (count < 1 || count > MaxCount)
        {
            throw new InvalidInputException("last", "must be between 1 and 100000");
        }

        AuditFiles.CheckPrivate(folder);
        // Entries a state journal committed before its writer died are applied first, so they are shown.
        AuditRedo.ReplayPending(Path.GetFullPath(folder), TimeSpan.FromSeconds(10));
        var files = AuditFiles.ListLogFiles(folder);
        var newestFirst = new List<AuditEntry>(Math.Min(count, 1024));
        var lastNonEmpty = files.FindLastIndex(file => new FileInfo(file.Path).Length > 0);
        for (var i = files.Count - 1; i >= 0 && newestFirst.Count < count; i--)
        {
            var content = File.ReadAllBytes(files[i].Path).AsSpan();
            if (i == lastNonEmpty && content.Length > 0 && content[^1] != (byte)'\n')
            {
                content = content[..(content.LastIndexOf((byte)'\n') + 1)]; // A torn last append.
            }

            if (content.Length > 0 && content[^1] == (byte)'\n')
            {
                content = content[..^1];
            }

            while (!content.IsEmpty && newestFirst.Count < count)
            {
                var newline = content.LastIndexOf((byte)'\n');
                newestFirst.Add(AuditEntry.Parse(content[(newline + 1)..]));
                content = newline < 0 ? [] : content[..newline];
            }
        }

        newestFirst.Reverse();
        return newestFirst;
    }
}
