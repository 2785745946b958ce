using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Secrets.Files;

namespace HsmWallet.Core.State;

/// <summary>
/// The file backend's commit record (<see cref="FileStateStore"/>): one file per outermost scope in the store's
/// <c>.state-journal</c> folder holding every document a session wrote or deleted, the scopes it held, and a SHA-256
/// of all of it. Committing is: stage the new documents (temporary files beside them, not synced), write the journal
/// and fsync it (the one durable write of the session), rename the staged documents into place, remove the journal. A complete journal found later is a commit whose writer is gone
/// before it finished applying: it is applied again (every entry is a whole document, so applying twice is applying
/// once). A torn one (bad length or checksum) is a session that never committed, and is dropped.
/// <para>
/// A journal may also carry one audit append (<see cref="AuditRedo"/>: the entry's line and the new audit head), so a
/// signature's state documents, audit line and head are made durable by this one fsync. Such a journal is written,
/// applied and removed only under its audit folder's lock (audit/audit.lock), so whoever holds that lock and finds one
/// knows its writer is gone; replaying it takes that lock first (the order is always: scope locks, audit lock, replay
/// lock), applies the documents, then the line (once: only when the log ends just before it) and the head.
/// </para>
/// </summary>
/// <remarks>
/// A journal is judged only by someone who has proved its writer gone, since a writer holds every scope it lists
/// until the journal is removed: whoever holds one of those scopes, or its own scope, or takes its scope's lock
/// without waiting. Replays of one journal by two such holders take turns on a replay lock beside it, which no one
/// holds while waiting for any other lock. The folder and files are owner-only; no link is followed.
/// </remarks>
internal sealed class StateJournal
{
    /// <summary>The folder under the store's root (a name no document folder can have: documents never start with a dot).</summary>
    public const string FolderName = ".state-journal";

    /// <summary>The most one session may write (its journal's size), so no session grows without bound.</summary>
    public const int MaxBytes = 64 * 1024 * 1024;

    /// <summary>The most documents one session may write, and scopes it may hold (a journal with more is not read back).</summary>
    public const int MaxEntries = 4096;

    private const string Suffix = ".journal";
    private const int HashLength = 32;
    private static readonly byte[] MagicV1 = "hsmwallet.state.journal.v1\n"u8.ToArray();

    // Version 2 adds the optional audit append after the documents (version 1 journals of an older process still replay).
    private static readonly byte[] Magic = "hsmwallet.state.journal.v2\n"u8.ToArray();

    private readonly string _root;
    private readonly TimeSpan _lockTimeout;

    /// <summary>The journal folder of the store at <paramref name="root"/>.</summary>
    public StateJournal(string root, TimeSpan lockTimeout)
    {
        _root = root;
        Folder = Path.Combine(root, FolderName);
        _lockTimeout = lockTimeout;
    }

    /// <summary>Where the journals are.</summary>
    public string Folder { get; }

    /// <summary>The journal file of the session whose outermost scope is <paramref name="scope"/> (a checked name: no '+' in it).</summary>
    public string PathOf(string scope) => Path.Combine(Folder, scope.Replace('/', '+') + Suffix);

    /// <summary>How many bytes an entry adds to a journal.</summary>
    public static long EntrySize(string name, int contentLength) => 2 + Encoding.UTF8.GetByteCount(name) + 4 + (long)contentLength;

    /// <summary>
    /// Writes and fsyncs the journal of <paramref name="scope"/>: from its return the session's writes (and the audit
    /// append <paramref name="audit"/>, when given: the caller holds its audit lock) survive a crash.
    /// </summary>
    public void Write(string scope, IReadOnlyCollection<string> scopes, IReadOnlyDictionary<string, byte[]?> writes, AuditRedo? audit = null)
    {
        var bytes = Encode(scopes, writes, audit);
        EnsureFolder();
        var path = PathOf(scope);
        // A journal left under this name is a torn one of a writer gone (this session holds the scope, and a complete
        // one was applied when the scope was taken). Deleting a link removes the link, never its target.
        File.Delete(path);
        try
        {
            using var stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                UnixCreateMode = ProtectedFile.FileMode,
                BufferSize = 0,
            });
            if (WriteFaults.Enabled)
            {
                // Test-only: two writes, so the harness can die with a torn journal.
                stream.Write(bytes.AsSpan(0, bytes.Length / 2));
                WriteFaults.Step("journal half written", path);
                stream.Write(bytes.AsSpan(bytes.Length / 2));
            }
            else
            {
                stream.Write(bytes);
            }

            stream.Flush(flushToDisk: true);
        }
        catch
        {
            // A journal that may be torn is removed, so nothing of a failed commit is applied later.
            TryDelete(path);
            throw;
        }

        WriteFaults.Step("journal synced", path);
    }

    /// <summary>Replaces (or deletes) each document as the journal says, without syncing: the journal already made them durable.</summary>
    public void Apply(IReadOnlyDictionary<string, byte[]?> writes) => Install(Stage(writes), writes);

    /// <summary>
    /// Writes each new document to a temporary file beside it (not synced), before the journal: a full disk then fails
    /// the commit before anything is durable, and applying is renames only. A failure leaves no temporary file.
    /// </summary>
    public Dictionary<string, string> Stage(IReadOnlyDictionary<string, byte[]?> writes)
    {
        var staged = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (var (name, content) in writes)
            {
                if (content is not null)
                {
                    var path = DocumentPath(name);
                    FileStateStore.EnsureFolder(Path.GetDirectoryName(path)!, name);
                    staged[name] = ProtectedFile.WriteTemporary(path, content, StateDocument.MaxBytes, sync: false);
                }
            }
        }
        catch
        {
            Discard(staged);
            throw;
        }

        return staged;
    }

    /// <summary>Moves the staged documents into place and deletes the deleted ones; what is left of a failure is the journal's to finish.</summary>
    public void Install(Dictionary<string, string> staged, IReadOnlyDictionary<string, byte[]?> writes)
    {
        try
        {
            foreach (var (name, content) in writes)
            {
                var path = DocumentPath(name);
                if (content is not null)
                {
                    ProtectedFile.MoveIntoPlace(staged[name], path);
                    staged.Remove(name);
                }
                else if (Directory.Exists(Path.GetDirectoryName(path)))
                {
                    File.Delete(path);
                }
            }
        }
        finally
        {
            Discard(staged);
        }
    }

    /// <summary>Removes staged temporary files that will not be moved into place.</summary>
    public static void Discard(Dictionary<string, string> staged)
    {
        foreach (var temporary in staged.Values)
        {
            ProtectedFile.DiscardTemporary(temporary);
        }

        staged.Clear();
    }

    /// <summary>Removes the journal of <paramref name="scope"/> once applied (not synced: applying it again is harmless).</summary>
    public void Remove(string scope)
    {
        var path = PathOf(scope);
        File.Delete(path);
        WriteFaults.Step("journal removed", path);
    }

    /// <summary>
    /// Applies every complete journal whose writer is proved gone by the scopes this session holds (<paramref name="holds"/>),
    /// and drops torn ones whose own scope it holds; with <paramref name="takeIdle"/>, also those whose scope's lock no
    /// one holds now. Call after taking a scope's lock and before reading anything under it.
    /// </summary>
    public void Recover(Func<string, bool> holds, bool takeIdle)
    {
        if (!Directory.Exists(Folder))
        {
            return;
        }

        CheckFolder();
        foreach (var path in Directory.EnumerateFiles(Folder, "*" + Suffix).ToList())
        {
            var owner = ScopeOf(path);
            if (owner is null)
            {
                continue;
            }

            if (holds(owner) || Lists(Read(path), holds))
            {
                Replay(path, owner, holds, ownerIsIdle: false);
                continue;
            }

            if (!takeIdle)
            {
                continue;
            }

            FileLock idle;
            try
            {
                idle = FileLock.Acquire(Path.Combine(_root, owner.Replace('/', Path.DirectorySeparatorChar)), TimeSpan.Zero);
            }
            catch (IOException)
            {
                // Its writer (or whoever holds its scope now) is alive (FileLockTimeoutException): it is theirs to finish.
                continue;
            }

            using (idle)
            {
                Replay(path, owner, holds, ownerIsIdle: true);
            }
        }
    }

    private void Replay(string path, string owner, Func<string, bool> holds, bool ownerIsIdle)
    {
        // A journal carrying an audit append is replayed under its audit lock, taken before the replay lock (the
        // audit writer, which replays such journals holding the audit lock, takes them in the same order).
        var auditFolder = Read(path)?.Audit?.Folder;
        using var auditLock = auditFolder is not null && Directory.Exists(auditFolder) ? AuditRedo.Lock(auditFolder, _lockTimeout) : null;
        using var replaying = FileLock.Acquire(path, _lockTimeout);
        var journal = Read(path);
        var gone = ownerIsIdle || holds(owner) || Lists(journal, holds);
        if (!gone)
        {
            // Replaced meanwhile by a live writer's journal that lists none of our scopes: not ours to judge.
            return;
        }

        if (journal?.Audit is { } audit && audit.Folder != auditFolder)
        {
            // Replaced meanwhile by one for another audit folder, whose lock is not held here: left to its next holder.
            return;
        }

        if (journal is { } complete)
        {
            WriteFaults.Step("journal replaying", path);
            Apply(complete.Writes);
            complete.Audit?.Apply(checkTail: true);
        }

        File.Delete(path);
        WriteFaults.Step("journal replayed", path);
    }

    /// <summary>True when the store at <paramref name="root"/> has any journal (a cheap check before taking a lock).</summary>
    public static bool HasJournals(string root)
    {
        var folder = Path.Combine(root, FolderName);
        return Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*" + Suffix).Any();
    }

    /// <summary>
    /// Applies every complete journal that carries an append to <paramref name="auditFolder"/> (with its documents) and
    /// removes it. The caller holds that folder's audit lock, which every writer of such a journal holds until it has
    /// removed it: so each one found is a writer gone, whoever holds its scopes now (they replay journals listing them
    /// before reading under them, and would wait for the audit lock to do so). Torn journals are left to their scope.
    /// </summary>
    public void ReplayAudit(string auditFolder)
    {
        if (!Directory.Exists(Folder))
        {
            return;
        }

        CheckFolder();
        foreach (var path in Directory.EnumerateFiles(Folder, "*" + Suffix).ToList())
        {
            if (ScopeOf(path) is null || Read(path)?.Audit?.Folder != auditFolder)
            {
                continue;
            }

            using var replaying = FileLock.Acquire(path, _lockTimeout);
            if (Read(path) is not { Audit: { } audit } journal || audit.Folder != auditFolder)
            {
                continue;
            }

            WriteFaults.Step("journal replaying", path);
            Apply(journal.Writes);
            audit.Apply(checkTail: true);
            File.Delete(path);
            WriteFaults.Step("journal replayed", path);
        }
    }

    private string DocumentPath(string name) => Path.Combine(_root, name.Replace('/', Path.DirectorySeparatorChar));

    private static bool Lists(Entries? journal, Func<string, bool> holds) => journal is { } complete && complete.Scopes.Any(holds);

    // The journal as written, or null when absent, torn or not one of ours (wrong magic, checksum, length or name).
    private static Entries? Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = ProtectedFile.ReadAllBytes(path, MaxBytes + (4 * 1024 * 1024));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (UnsafeFilePermissionsException exception)
        {
            throw new InvalidInputException("state journal", $"must be a file of its owner only (0600): {exception.Fix}", exception);
        }
        catch (IOException)
        {
            return null;
        }

        return Decode(bytes);
    }

    private static byte[] Encode(IReadOnlyCollection<string> scopes, IReadOnlyDictionary<string, byte[]?> writes, AuditRedo? audit)
    {
        using var buffer = new MemoryStream();
        buffer.Write(Magic);
        WriteInt(buffer, scopes.Count);
        foreach (var scope in scopes)
        {
            WriteName(buffer, scope);
        }

        WriteInt(buffer, writes.Count);
        foreach (var (name, content) in writes)
        {
            WriteName(buffer, name);
            WriteInt(buffer, content?.Length ?? -1);
            buffer.Write(content);
        }

        if (audit is null)
        {
            buffer.WriteByte(0);
        }
        else
        {
            buffer.WriteByte(audit.SyncHead ? (byte)2 : (byte)1);
            WriteText(buffer, audit.Folder);
            WriteText(buffer, audit.LogFile);
            Span<byte> sequence = stackalloc byte[8];
            BinaryPrimitives.WriteInt64BigEndian(sequence, audit.Sequence);
            buffer.Write(sequence);
            WriteInt(buffer, audit.Line.Length);
            buffer.Write(audit.Line);
            WriteInt(buffer, audit.Head.Length);
            buffer.Write(audit.Head);
        }

        buffer.Write(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
        return buffer.ToArray();
    }

    internal static Entries? Decode(ReadOnlySpan<byte> bytes)
    {
        var version2 = bytes.StartsWith(Magic);
        if (bytes.Length < Magic.Length + 8 + HashLength || !(version2 || bytes.StartsWith(MagicV1)))
        {
            return null;
        }

        var body = bytes[..^HashLength];
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(body), bytes[^HashLength..]))
        {
            return null;
        }

        var reader = new Reader(body[Magic.Length..].ToArray());
        var scopeCount = reader.Int();
        if (scopeCount is < 1 or > MaxEntries)
        {
            return null;
        }

        var scopes = new List<string>(scopeCount);
        for (var i = 0; i < scopeCount; i++)
        {
            if (reader.Name() is not { } scope)
            {
                return null;
            }

            scopes.Add(scope);
        }

        var writeCount = reader.Int();
        if (writeCount is < 0 or > MaxEntries)
        {
            return null;
        }

        var writes = new Dictionary<string, byte[]?>(StringComparer.Ordinal);
        for (var i = 0; i < writeCount; i++)
        {
            if (reader.Name() is not { } name || !reader.Content(out var content))
            {
                return null;
            }

            writes[name] = content;
        }

        AuditRedo? audit = null;
        if (version2)
        {
            var kind = reader.Byte();
            if (kind is 1 or 2)
            {
                if (reader.Text() is not { } folder || !Path.IsPathFullyQualified(folder)
                    || reader.Text() is not { } logFile || !AuditRedo.IsLogFileName(logFile)
                    || reader.Long() is not long sequence || sequence < 1
                    || reader.Blob(AuditRedo.MaxLineBytes) is not { Length: > 0 } line || line[^1] != (byte)'\n'
                    || reader.Blob(AuditRedo.MaxHeadBytes) is not { } head)
                {
                    return null;
                }

                audit = new AuditRedo(folder, logFile, sequence, line, head, kind == 2);
            }
            else if (kind != 0)
            {
                return null;
            }
        }

        return reader.AtEnd ? new Entries(scopes, writes, audit) : null;
    }

    private static void WriteText(MemoryStream buffer, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, checked((ushort)bytes.Length));
        buffer.Write(length);
        buffer.Write(bytes);
    }

    private static void WriteInt(MemoryStream buffer, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        buffer.Write(bytes);
    }

    private static void WriteName(MemoryStream buffer, string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)bytes.Length);
        buffer.Write(length);
        buffer.Write(bytes);
    }

    private static string? ScopeOf(string path)
    {
        var file = Path.GetFileName(path);
        var scope = file[..^Suffix.Length].Replace('+', '/');
        return IsName(scope) ? scope : null;
    }

    private static bool IsName(string name)
    {
        try
        {
            StateName.Check(name);
            return true;
        }
        catch (InvalidInputException)
        {
            return false;
        }
    }

    private void EnsureFolder()
    {
        if (Directory.Exists(Folder))
        {
            CheckFolder();
            return;
        }

        FileStateStore.EnsureFolder(Folder, "state journal");
        // Once per store: the new folder's name is made durable, so a journal fsynced in it is found after a power cut.
        UnixFiles.SyncDirectory(_root);
    }

    private void CheckFolder()
    {
        try
        {
            ProtectedFile.CheckDirectory(Folder);
        }
        catch (UnsafeFilePermissionsException exception)
        {
            throw new InvalidInputException("state journal", $"its folder must be open to its owner only (0700): {exception.Fix}", exception);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a torn journal left behind is dropped by the next holder of its scope.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }

    /// <summary>What one journal holds: the scopes its session held, each document's new content (null: deleted), and any audit append.</summary>
    internal sealed record Entries(IReadOnlyList<string> Scopes, IReadOnlyDictionary<string, byte[]?> Writes, AuditRedo? Audit = null);

    private sealed class Reader(byte[] bytes)
    {
        private int _offset;

        public bool AtEnd => _offset == bytes.Length;

        public int Int()
        {
            if (bytes.Length - _offset < 4)
            {
                return -2;
            }

            var value = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(_offset, 4));
            _offset += 4;
            return value;
        }

        public int Byte() => _offset < bytes.Length ? bytes[_offset++] : -1;

        public long? Long()
        {
            if (bytes.Length - _offset < 8)
            {
                return null;
            }

            var value = BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(_offset, 8));
            _offset += 8;
            return value;
        }

        public string? Text()
        {
            if (bytes.Length - _offset < 2)
            {
                return null;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(_offset, 2));
            _offset += 2;
            if (bytes.Length - _offset < length)
            {
                return null;
            }

            var text = Encoding.UTF8.GetString(bytes, _offset, length);
            _offset += length;
            return text;
        }

        public byte[]? Blob(int maximum)
        {
            var length = Int();
            if (length < 0 || length > maximum || bytes.Length - _offset < length)
            {
                return null;
            }

            var blob = bytes.AsSpan(_offset, length).ToArray();
            _offset += length;
            return blob;
        }

        public string? Name() => Text() is { } name && IsName(name) ? name : null;

        public bool Content(out byte[]? content)
        {
            content = null;
            var length = Int();
            if (length == -1)
            {
                return true;
            }

            if (length < 0 || length > StateDocument.MaxBytes || bytes.Length - _offset < length)
            {
                return false;
            }

            content = bytes.AsSpan(_offset, length).ToArray();
            _offset += length;
            return true;
        }
    }
}
