using System.Security.Cryptography;
using HsmWallet.Core.Secrets.Files;

namespace HsmWallet.Core.Audit;

/// <summary>
/// Appends entries to the audit chain in a folder: one HMAC chain across rotated files, days and
/// restarts; each append is durable before it returns, serialized across threads and processes,
/// and any failure throws AuditWriteException so the audited operation fails too.
/// <para>
/// One durable write per signature (issue 20): when the thread has a file state store session open (a signature
/// holds its signing scope), the entry's line and the new head travel in that session's state journal with the
/// documents it wrote (<see cref="State.FileStateStore.CommitOpenSessions(Func{IReadOnlyDictionary{string, byte[]}, AuditRedo})"/>):
/// one fsync, then the line and head are applied without their own. Otherwise the line is fsynced and the head written
/// as before. Every append first applies, under the audit lock, the journals of writers gone that still hold entries
/// of this log (<see cref="AuditRedo"/>), so the chain never forks around a committed entry.
/// </para>
/// </summary>
public sealed class AuditWriter : IAuditLog, IDisposable
{
    private const int MaxTextLength = 256;

    private readonly AuditKey key;
    private readonly AuditWriterOptions options;
    private readonly Lock gate = new();
    private long expectedSequence;
    private bool disposed;

    [ThreadStatic]
    private static State.IStateSession? t_sharedSession;

    /// <summary>Prepares a writer; the key (32 bytes from the vault) is copied into a pinned buffer zeroed on Dispose. Touches no file yet.</summary>
    public AuditWriter(string folder, ReadOnlySpan<byte> key, AuditWriterOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        this.options = options ?? new AuditWriterOptions();
        if (this.options.MaxFileBytes < 1024 || this.options.MaxLineBytes < 1024)
        {
            throw new InvalidInputException("audit_options", "file and line limits must be at least 1024 bytes");
        }

        Folder = Path.GetFullPath(folder);
        this.key = new AuditKey(key);
        StateSeal = new StateSeal(this.key, Folder, () => ExpectedSequence);
    }

    /// <summary>The audit folder this writer appends to.</summary>
    public string Folder { get; }

    /// <summary>The seal of the state files, keyed from this writer's key; the heads it writes record their generations.</summary>
    public StateSeal StateSeal { get; }

    /// <summary>
    /// The head sequence the vault recorded at its last write (0 when none): a log missing or shorter than that was
    /// deleted or truncated, so appends are refused instead of starting a new chain over it.
    /// </summary>
    public long ExpectedSequence
    {
        get => Interlocked.Read(ref expectedSequence);
        set => Interlocked.Exchange(ref expectedSequence, value);
    }

    /// <summary>The writer's state seal (it needs no unlock: the writer already holds the key).</summary>
    public StateSeal OpenStateSeal(Vault.UnlockOptions unlock) => StateSeal;

    /// <summary>The sequence the authenticated head names (0 for a log not started yet), or null when the head is missing under entries or does not verify.</summary>
    public long? HeadSequence()
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            AuditFiles.CheckPrivate(Folder);
            return AuditHead.TryRead(Folder, key, out var head) switch
            {
                AuditHeadStatus.Valid => head!.Sequence,
                AuditHeadStatus.Missing when AuditTail.Read(AuditFiles.ListLogFiles(Folder), repair: false).LastLine is null => 0,
                _ => null,
            };
        }
    }

    /// <summary>
    /// Records one event durably and returns the entry as written. Throws AuditWriteException when it
    /// cannot be recorded (I/O failure, or a log that no longer matches its head or anchor).
    /// </summary>
    public AuditEntry Append(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        var toolName = CheckedText(auditEvent.ToolName, "toolName");
        var correlationId = CheckedText(auditEvent.CorrelationId, "correlationId");
        var operationName = CheckedText(auditEvent.OperationName, "operation.name");
        var actorId = auditEvent.Actor.Id is null ? null : CheckedText(auditEvent.Actor.Id, "actor.id");
        var errorCode = auditEvent.ErrorCode is null ? null : CheckedText(auditEvent.ErrorCode, "operation.errorCode");
        var parameters = AuditSanitizer.SanitizeParameters(auditEvent.Parameters);

        if (options.SharedHead is { } shared && t_sharedSession is null)
        {
            // The chain's shared head is read and written in the thread's store session (or one of its own), whose lock is
            // taken before this writer's locks, so a second append of the same session never waits for itself.
            return shared.Around(Folder, key, session =>
            {
                t_sharedSession = session;
                try
                {
                    return Append(auditEvent);
                }
                finally
                {
                    t_sharedSession = null;
                }
            });
        }

        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            try
            {
                AuditFiles.EnsureDirectory(Folder);
                AuditFiles.CheckPrivate(Folder);
                // The one file-lock mechanism of Core: audit/audit.lock, flock-style, shared with other processes.
                using var processLock = AuditRedo.Lock(Folder, options.LockTimeout);

                // (1) Recovery: a state journal whose writer is gone may hold the next entries of this log (committed,
                // not yet applied); they are applied before the end of the log is read, so no entry is written over them.
                AuditRedo.ReplayHoldingLock(Folder, options.LockTimeout);
                var anchorValue = options.Anchor?.Read();
                var tail = AuditTail.Read(AuditFiles.ListLogFiles(Folder), repair: true);
                var head = LoadHead(tail, anchorValue);
                var (lastSequence, lastHash) = ChainEnd(tail, head);
                if (lastSequence > head.Sequence)
                {
                    // The last append's head write did not finish (a crash): the head catches up with the log first
                    // (fully synced; this happens only after a crash), so a second crash in this append leaves it
                    // one entry behind, never two (which the verifier reads as an old head put back).
                    head = head with { Sequence = lastSequence, Hash = lastHash, Anchor = anchorValue ?? head.Anchor, State = StateSeal.Merge(head.State) };
                    AuditFiles.WriteAtomically(Path.Combine(Folder, AuditFiles.HeadFileName), head.ToFileBytes(key));
                }

                if (Math.Max(lastSequence, head.Sequence) < ExpectedSequence)
                {
                    throw new AuditWriteException(string.Create(
                        System.Globalization.CultureInfo.InvariantCulture,
                        $"audit: the log ends at sequence {lastSequence} but the vault recorded {ExpectedSequence} (deleted or truncated); run audit verify"));
                }

                options.SharedHead?.CheckBeforeAppend(t_sharedSession!, Folder, key, lastSequence, lastHash, PreviousHashOf(tail, lastSequence));
                var entry = new AuditEntry(
                    Guid.NewGuid(),
                    lastSequence + 1,
                    AuditEntry.FormatTimestamp(options.TimeProvider.GetUtcNow()),
                    auditEvent.EventType,
                    toolName,
                    correlationId,
                    new AuditActor(auditEvent.Actor.Type, actorId),
                    new AuditOperation(operationName, parameters, auditEvent.Result, errorCode),
                    lastHash,
                    string.Empty);
                var json = entry.ToJson(includeHash: false);
                var hash = key.ComputeHex(json);
                entry = entry with { Hash = hash };
                json["hash"] = hash;
                byte[] line = [.. JsonCanonicalizer.Serialize(json), (byte)'\n'];
                if (line.Length > options.MaxLineBytes)
                {
                    throw new InvalidInputException("audit_entry", "must fit in the audit line size limit");
                }

                var logPath = LogPathFor(tail, line);

                // The head is written for the anchor value it is about to reach, then the anchor moves:
                // a crash in between leaves the head ahead of the anchor, which is not a rollback.
                ulong? headAnchor = anchorValue is ulong value ? value + 1 : null;
                var headPath = Path.Combine(Folder, AuditFiles.HeadFileName);
                AuditHead head2;

                // (2) The one durable write: the line and the head go into the state journal of this thread's open
                // session, with the documents it wrote (the head records their generations: they are durable together).
                // With an anchor the head is also fsynced on its own (file and folder) before the anchor moves past it.
                AuditHead? journaledHead = null;
                var journaled = State.FileStateStore.CommitOpenSessions(pending =>
                {
                    journaledHead = new AuditHead(entry.Sequence, hash, headAnchor, StateSeal.Merge(head.State, pending));
                    return new AuditRedo(Folder, Path.GetFileName(logPath), entry.Sequence, line, journaledHead.ToFileBytes(key), SyncHead: options.Anchor is not null);
                });
                if (journaled)
                {
                    head2 = journaledHead!;
                }
                else
                {
                    // (3) No session on this thread: the line is fsynced, then the head written. The head's content is
                    // fsynced; its rename is synced only when an anchor will move past it (a head left behind its anchor
                    // reads as a rollback) or when it is new. Otherwise a power cut can at worst leave the previous head,
                    // which the log's fsynced entries are ahead of: the chain goes on from the log (ChainEnd).
                    WriteLine(logPath, line);
                    head2 = new AuditHead(entry.Sequence, hash, headAnchor, StateSeal.Merge(head.State));
                    AuditFiles.WriteAtomically(headPath, head2.ToFileBytes(key), syncFolder: options.Anchor is not null || !File.Exists(headPath));
                }

                // (4) The new head is published to the shared store (PostgreSQL) in the store session: the entry and head
                // are durable on both paths above (in the journal, or fsynced), and the anchor has not moved yet.
                if (options.SharedHead is not null)
                {
                    var chain = entry.Sequence == 1 ? hash : SharedAuditHead.TryChainId(Folder, key) ?? throw new AuditWriteException("audit: the first entry of the log does not verify; run audit verify");
                    SharedAuditHead.Record(t_sharedSession!, Folder, key, chain, entry.Sequence, hash);
                }

                if (options.Anchor is { } anchor)
                {
                    var reached = anchor.Increment();
                    if (anchorValue == 0 && reached != 1)
                    {
                        // A hardware counter's first increment starts it at the highest value the device has
                        // known; from then on it moves by one. The head follows it this one time.
                        AuditFiles.WriteAtomically(headPath, (head2 with { Anchor = reached }).ToFileBytes(key));
                    }
                }

                return entry;
            }
            catch (Exception exception) when (exception is not AuditWriteException and not InvalidInputException and not ObjectDisposedException and not State.StateStoreException)
            {
                throw new AuditWriteException("audit: the entry could not be recorded", exception);
            }
        }
    }

    /// <summary>Zeroes the key copy.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            StateSeal.Dispose();
            key.Dispose();
        }
    }

    private static string CheckedText(string text, string field)
    {
        if (string.IsNullOrEmpty(text) || text.Length > MaxTextLength)
        {
            throw new InvalidInputException(field, "must be 1 to 256 characters");
        }

        return AuditSanitizer.SanitizeText(text);
    }

    private AuditHead LoadHead(AuditTail tail, ulong? anchorValue)
    {
        var status = AuditHead.TryRead(Folder, key, out var head);
        switch (status)
        {
            case AuditHeadStatus.Valid:
                break;
            case AuditHeadStatus.Missing when tail.LastLine is null && ExpectedSequence > 0:
                throw new AuditWriteException("audit: the log is missing but the vault records that it existed (deleted); run audit verify");
            case AuditHeadStatus.Missing when tail.LastLine is null:
                head = AuditHead.Genesis(anchorValue);
                AuditFiles.WriteAtomically(Path.Combine(Folder, AuditFiles.HeadFileName), head.ToFileBytes(key));
                break;
            case AuditHeadStatus.Missing:
                throw new AuditWriteException("audit: the head record is missing while the log has entries; run audit verify");
            default:
                throw new AuditWriteException("audit: the head record does not verify; run audit verify");
        }

        if (anchorValue is ulong anchor && anchor > (head!.Anchor ?? 0))
        {
            throw new AuditWriteException("audit: the log is older than its anchor (rolled back); run audit verify");
        }

        if (anchorValue is ulong counter && AuditHead.AnchorWasReset(counter, head!.Anchor))
        {
            throw new AuditWriteException("audit: the anchor is behind the head record (reset or replaced); run audit verify");
        }

        return head!;
    }

    private (long Sequence, string Hash) ChainEnd(AuditTail tail, AuditHead head)
    {
        if (tail.LastLine is not byte[] line)
        {
            return head.Sequence == 0
                ? (0, AuditEntry.GenesisHash)
                : throw new AuditWriteException("audit: the log is shorter than its head (truncated); run audit verify");
        }

        if (!AuditLineFields.TryRead(line, out var fields) || !key.VerifyLine(line, fields))
        {
            throw new AuditWriteException("audit: the last entry does not verify; run audit verify");
        }

        var hash = System.Text.Encoding.ASCII.GetString(line[fields.Hash]);
        if (fields.Sequence < head.Sequence
            || (fields.Sequence == head.Sequence && !CryptographicOperations.FixedTimeEquals(line.AsSpan(fields.Hash), System.Text.Encoding.ASCII.GetBytes(head.Hash))))
        {
            throw new AuditWriteException("audit: the log is shorter than its head (truncated); run audit verify");
        }

        // A log one entry ahead of its head is an append whose head write did not finish; it continues.
        return (fields.Sequence, hash);
    }

    private static string? PreviousHashOf(AuditTail tail, long lastSequence) =>
        tail.LastLine is byte[] line && AuditLineFields.TryRead(line, out var fields) && fields.Sequence == lastSequence
            ? System.Text.Encoding.ASCII.GetString(line[fields.PreviousHash])
            : null;

    // The log file the next line goes to: the current one, or the next number when the line would grow it past the limit.
    private string LogPathFor(AuditTail tail, byte[] line)
    {
        var number = tail.FileNumber == 0 ? 1 : tail.FileNumber;
        if (tail.FileNumber != 0 && tail.FileLength > 0 && tail.FileLength + line.Length > options.MaxFileBytes)
        {
            number++;
        }

        return Path.Combine(Folder, AuditFiles.LogFileName(number));
    }

    private void WriteLine(string path, byte[] line)
    {
        var created = !File.Exists(path);
        using (var stream = AuditFiles.OpenLogForAppend(path))
        {
            AuditFiles.AppendLine(stream, path, line);
            stream.Flush(flushToDisk: true);
            WriteFaults.Step("line appended", path);
        }

        if (created)
        {
            AuditFiles.FsyncDirectory(Folder);
        }
    }
}
