using System.Text;
using System.Text.Json;
using HsmWallet.Core.Secrets.Files;

namespace HsmWallet.Core.Audit;

/// <summary>
/// One audit append carried in a state journal (issue 20, one durable write per signature): the entry's line, the log
/// file it goes to, and the new head, written with the signature's state documents in ONE fsynced journal and then
/// applied to the log and head without an fsync of their own. Applying is idempotent: the line is appended only when
/// the log ends exactly one entry before it (after cutting a torn last line, as the writer does), the head is replaced
/// only while it names an earlier sequence. So a journal replayed after a crash adds its entry once, never twice, and a
/// journal that does not fit the log (a gap) changes nothing and leaves the mismatch to `audit verify`.
/// </summary>
/// <param name="Folder">The audit folder (full path).</param>
/// <param name="LogFile">The log file name the line goes to (audit-NNNNNN.jsonl).</param>
/// <param name="Sequence">The entry's sequence.</param>
/// <param name="Line">The entry's line, newline included.</param>
/// <param name="Head">The head record's file bytes after the entry.</param>
/// <param name="SyncHead">True on the anchor path: the head is fsynced (file and folder) before the anchor moves past it.</param>
internal sealed record AuditRedo(string Folder, string LogFile, long Sequence, byte[] Line, byte[] Head, bool SyncHead)
{
    /// <summary>The file in an audit folder naming the state store roots whose journals may carry its entries.</summary>
    public const string JournalRootsFileName = "state-journals";

    /// <summary>The most state store folders one audit folder names (a bound, so the list cannot grow without end).</summary>
    public const int MaxRoots = 64;

    /// <summary>The largest head record a journal carries (as AuditHead reads).</summary>
    public const int MaxHeadBytes = 16 * 1024;

    /// <summary>The largest line a journal carries (above any configured line limit).</summary>
    public const int MaxLineBytes = 1024 * 1024;

    /// <summary>The lock every appender of <paramref name="folder"/> takes (audit/audit.lock), for replays too.</summary>
    public static FileLock Lock(string folder, TimeSpan timeout) =>
        FileLock.Acquire(Path.Combine(folder, Path.GetFileNameWithoutExtension(AuditFiles.LockFileName)), timeout);

    /// <summary>
    /// Takes, before the journal is written, the room the live append needs once it is durable: the new head in a
    /// temporary file beside head.json and the line's blocks reserved at the end of its log (a new log file created,
    /// and its folder synced). So a full disk fails the append before its commit, instead of leaving a committed journal
    /// that no one can apply (nor read the home past) until space returns. Returns the head's temporary file for
    /// <see cref="Apply(bool, string?)"/>; <see cref="ProtectedFile.DiscardTemporary"/> it when the journal fails.
    /// </summary>
    public string Stage()
    {
        var logPath = Path.Combine(Folder, LogFile);
        var created = !File.Exists(logPath);
        using (var stream = AuditFiles.OpenLogForAppend(logPath))
        {
            UnixFiles.ReserveAtEnd(stream.SafeFileHandle, Line.Length);
        }

        if (created)
        {
            AuditFiles.FsyncDirectory(Folder);
        }

        return ProtectedFile.WriteTemporary(Path.Combine(Folder, AuditFiles.HeadFileName), Head, MaxHeadBytes, sync: SyncHead);
    }

    /// <summary>True when <paramref name="name"/> is a log file name a journal may carry an entry for (checked when decoding).</summary>
    public static bool IsLogFileName(string name) => AuditFiles.LogNumberOf(name) > 0;

    /// <summary>
    /// Applies the entry to the log and head, without fsync (the journal holding it is already durable); the caller
    /// holds the audit lock. With <paramref name="checkTail"/> (a replay) the log's end decides whether the line is
    /// still missing; without it (the live append, which has just read the end under the same lock) it is appended.
    /// </summary>
    public void Apply(bool checkTail, string? stagedHead = null)
    {
        if (!Directory.Exists(Folder))
        {
            // The audit folder is gone (deleted with its log): nothing to add to; `audit verify` reports it.
            return;
        }

        if (checkTail)
        {
            var tail = AuditTail.Read(AuditFiles.ListLogFiles(Folder), repair: true);
            long last = 0;
            if (tail.LastLine is byte[] lastLine)
            {
                if (!AuditLineFields.TryRead(lastLine, out var fields))
                {
                    return;
                }

                last = fields.Sequence;
            }

            if (last > Sequence)
            {
                return;
            }

            if (last < Sequence - 1)
            {
                // A gap: this is not the log the journal was written for; apply nothing.
                return;
            }

            if (last == Sequence - 1)
            {
                AppendLine();
            }
        }
        else
        {
            AppendLine();
        }

        var headPath = Path.Combine(Folder, AuditFiles.HeadFileName);
        if (stagedHead is not null)
        {
            // The live append (under the lock since it read the head): the head staged before the journal goes in place.
            ProtectedFile.MoveIntoPlace(stagedHead, headPath);
            if (SyncHead)
            {
                UnixFiles.SyncDirectory(Folder);
            }
        }
        else if (HeadSequence(headPath) < Sequence)
        {
            ProtectedFile.WriteAtomic(headPath, Head, MaxHeadBytes, syncFile: SyncHead, syncFolder: SyncHead);
        }
    }

    /// <summary>
    /// Records (once per root, durably: a file created with its folder synced) that journals under
    /// <paramref name="root"/> may carry entries of <paramref name="folder"/>, so readers and appenders that know only
    /// the audit folder find them. Call under the audit lock, before the first such journal is written.
    /// </summary>
    public static void Register(string folder, string root)
    {
        var roots = Roots(folder);
        if (roots.Contains(root, StringComparer.Ordinal))
        {
            return;
        }

        if (roots.Count >= MaxRoots)
        {
            throw new InvalidInputException("audit state-journals", "must name at most 64 state store folders");
        }

        AuditFiles.EnsureDirectory(folder);
        var text = string.Concat(roots.Append(root).Select(line => line + "\n"));
        ProtectedFile.WriteAtomic(Path.Combine(folder, JournalRootsFileName), Encoding.UTF8.GetBytes(text));
    }

    /// <summary>The state store roots registered for <paramref name="folder"/> (empty when none).</summary>
    public static IReadOnlyList<string> Roots(string folder)
    {
        var path = Path.Combine(folder, JournalRootsFileName);
        if (!File.Exists(path))
        {
            return [];
        }

        var text = Encoding.UTF8.GetString(ProtectedFile.ReadAllBytes(path, 64 * 1024));
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(Path.IsPathFullyQualified).Take(MaxRoots)];
    }

    /// <summary>
    /// For readers (audit verify, audit show): when a journal of a writer gone still holds an entry of
    /// <paramref name="folder"/>, takes the audit lock and applies it (with its state documents) before reading.
    /// </summary>
    public static void ReplayPending(string folder, TimeSpan timeout)
    {
        var roots = Roots(folder);
        if (roots.Count == 0 || !roots.Any(State.FileStateStore.HasJournals))
        {
            return;
        }

        using var held = Lock(folder, timeout);
        ReplayHoldingLock(folder, roots, timeout);
    }

    /// <summary>Applies every journal of a writer gone that holds an entry of <paramref name="folder"/>; the caller holds the audit lock.</summary>
    public static void ReplayHoldingLock(string folder, TimeSpan timeout) => ReplayHoldingLock(folder, Roots(folder), timeout);

    private static void ReplayHoldingLock(string folder, IReadOnlyList<string> roots, TimeSpan timeout)
    {
        foreach (var root in roots)
        {
            State.FileStateStore.ReplayAuditJournals(root, folder, timeout);
        }
    }

    // The sequence the head file names, read without its key (only to decide whether this entry's head is newer);
    // -1 when there is none or it cannot be read, so the journal's head (authenticated by its MAC) replaces it.
    private static long HeadSequence(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                return -1;
            }

            using var document = JsonDocument.Parse(ProtectedFile.ReadAllBytes(path, MaxHeadBytes));
            return document.RootElement.TryGetProperty("sequence", out var sequence) && sequence.TryGetInt64(out var value) ? value : -1;
        }
        catch (Exception exception) when (exception is IOException or JsonException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    private void AppendLine()
    {
        var path = Path.Combine(Folder, LogFile);
        var created = !File.Exists(path);
        using (var stream = AuditFiles.OpenLogForAppend(path))
        {
            var start = stream.Position;
            AuditFiles.AppendLine(stream, path, Line);

            // Not an fsync: starts the write-back of the line now, so on ext4 (data=ordered) its blocks and the file's
            // new size are in the file system journal before the state journal's removal that follows (an append
            // left to delayed allocation could reach the disk after that removal).
            UnixFiles.StartWriteback(stream.SafeFileHandle, start, Line.Length);
            WriteFaults.Step("line appended", path);
        }

        if (created)
        {
            AuditFiles.FsyncDirectory(Folder);
        }
    }
}
