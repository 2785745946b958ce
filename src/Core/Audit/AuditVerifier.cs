using System.Text;

namespace HsmWallet.Core.Audit;

/// <summary>
/// Checks the audit chain in a folder: every entry's HMAC, every link, the authenticated head and
/// (when given) the anchor; reports the first break and what kind of tampering it looks like.
/// </summary>
public static class AuditVerifier
{
    /// <summary>
    /// Verifies the log in a folder with the audit key (copied and zeroed before return), an optional anchor, and
    /// the head sequence the vault recorded at its last write (a log missing or shorter than it is broken). Audit
    /// files open to other users are refused (AuditWriteException naming the chmod fix), not verified.
    /// </summary>
    public static AuditVerification Verify(string folder, ReadOnlySpan<byte> key, IAuditAnchor? anchor = null, long recordedSequence = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        AuditFiles.CheckPrivate(folder);
        // Entries a state journal committed before its writer died are applied first, so they are verified, not missed.
        AuditRedo.ReplayPending(Path.GetFullPath(folder), TimeSpan.FromSeconds(10));
        using var auditKey = new AuditKey(key);
        var anchorValue = anchor?.Read();
        var headStatus = AuditHead.TryRead(folder, auditKey, out var head);
        var headSequence = head?.Sequence ?? 0;
        var files = AuditFiles.ListLogFiles(folder);

        var chain = Walk(files, auditKey, head);
        if (chain.Problem is AuditProblem problem)
        {
            return new AuditVerification(false, chain.Entries, headSequence, chain.FirstBad, problem);
        }

        var lastSequence = chain.LastSequence;
        if (recordedSequence > 0 && Math.Max(lastSequence, headSequence) < recordedSequence)
        {
            // The vault's authenticated settings say the chain had reached this far: it was deleted or cut.
            return chain.Entries == 0
                ? new AuditVerification(false, 0, headSequence, 1, AuditProblem.Missing)
                : new AuditVerification(false, chain.Entries, headSequence, lastSequence + 1, AuditProblem.Truncated);
        }

        switch (headStatus)
        {
            case AuditHeadStatus.Missing when chain.Entries == 0:
                break;
            case AuditHeadStatus.Missing or AuditHeadStatus.Unreadable:
                return new AuditVerification(false, chain.Entries, 0, null, AuditProblem.Unreadable);
            case AuditHeadStatus.Forged:
                return new AuditVerification(false, chain.Entries, 0, null, AuditProblem.Edited);
        }

        if (lastSequence < headSequence)
        {
            return new AuditVerification(false, chain.Entries, headSequence, lastSequence + 1, AuditProblem.Truncated);
        }

        if (head is not null && head.Sequence > 0 && !chain.HeadHashMatched)
        {
            return new AuditVerification(false, chain.Entries, headSequence, head.Sequence, AuditProblem.Edited);
        }

        if (anchorValue is ulong counter && counter > (head?.Anchor ?? 0))
        {
            return new AuditVerification(false, chain.Entries, headSequence, Math.Max(lastSequence, headSequence) + 1, AuditProblem.RolledBack);
        }

        if (anchorValue is ulong current && AuditHead.AnchorWasReset(current, head?.Anchor))
        {
            return new AuditVerification(false, chain.Entries, headSequence, Math.Max(lastSequence, headSequence) + 1, AuditProblem.RolledBack);
        }

        // One entry past the head is an append whose head write was cut off; more means an old head.
        // The head is read again because writers may have appended while the files were read.
        if (lastSequence > headSequence + 1)
        {
            AuditHead.TryRead(folder, auditKey, out var laterHead);
            if (lastSequence > Math.Max(headSequence, laterHead?.Sequence ?? 0) + 1)
            {
                return new AuditVerification(false, chain.Entries, headSequence, headSequence + 1, AuditProblem.RolledBack);
            }
        }

        return new AuditVerification(true, chain.Entries, headSequence, null, null);
    }

    private static ChainWalk Walk(List<(int Number, string Path)> files, AuditKey key, AuditHead? head)
    {
        var walk = new ChainWalk();
        var previousHash = new byte[64];
        Encoding.ASCII.GetBytes(AuditEntry.GenesisHash, previousHash);
        var headHash = head is null ? [] : Encoding.ASCII.GetBytes(head.Hash);
        var expected = 1L;
        using var lines = new AuditLineStream(files);
        using var batch = new LineBatch();
        try
        {
            while (true)
            {
                // Links (sequence, previousHash) are checked in order while a batch fills; the MACs of
                // the batch are then checked in parallel, the costly part, on every core.
                batch.Clear(previousHash);
                int? linkBreak = null;
                while (batch.Count < LineBatch.Capacity && lines.TryNext(out var line))
                {
                    walk.Entries++;
                    var index = batch.Add(line, out var fields, out var parsed);
                    if (!parsed || fields.Sequence != expected + index || !line[fields.PreviousHash].SequenceEqual(batch.PreviousHashOf(index)))
                    {
                        linkBreak = index;
                        break;
                    }

                    if (head is not null && fields.Sequence == head.Sequence)
                    {
                        walk.HeadHashMatched = line[fields.Hash].SequenceEqual(headHash);
                    }
                }

                var checkedCount = linkBreak ?? batch.Count;
                var forged = batch.FirstInauthentic(checkedCount, key);
                var breakAt = forged ?? linkBreak;
                if (breakAt is int at)
                {
                    // The chain breaks here: read what follows and say what kind of break it is.
                    var rest = new List<LineRecord>();
                    for (var i = at; i < batch.Count; i++)
                    {
                        rest.Add(LineRecord.From(batch.Line(i), key));
                    }

                    while (lines.TryNext(out var following))
                    {
                        walk.Entries++;
                        rest.Add(LineRecord.From(following, key));
                    }

                    walk.LastSequence = expected + at - 1;
                    (walk.Problem, walk.FirstBad) = Classify(expected + at, Encoding.ASCII.GetString(batch.PreviousHashOf(at)), rest);
                    return walk;
                }

                if (batch.Count == 0)
                {
                    return walk;
                }

                expected += batch.Count;
                walk.LastSequence = expected - 1;
                batch.PreviousHashOf(batch.Count).CopyTo(previousHash);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            walk.Problem = AuditProblem.Unreadable;
            walk.FirstBad = expected + batch.Count;
        }

        return walk;
    }

    private static (AuditProblem Problem, long FirstBad) Classify(long expected, string previousHash, List<LineRecord> rest)
    {
        var first = rest[0];
        if (!first.Parsed)
        {
            return (AuditProblem.Unreadable, expected);
        }

        if (!first.Authentic)
        {
            // A forged line before the genuine next entry was inserted; otherwise the entry was edited.
            var next = rest.Count > 1 ? rest[1] : null;
            return next is { Authentic: true } && next.Sequence == expected && next.PreviousHash == previousHash
                ? (AuditProblem.Inserted, expected)
                : (AuditProblem.Edited, expected);
        }

        if (first.Sequence < expected)
        {
            return (AuditProblem.Inserted, expected); // A replayed copy of an earlier entry.
        }

        if (first.Sequence == expected)
        {
            return (AuditProblem.Edited, expected); // Authentic but from another chain: replaced.
        }

        return rest.Exists(record => record.Authentic && record.Sequence == expected)
            ? (AuditProblem.Reordered, expected)
            : (AuditProblem.Deleted, expected);
    }

    /// <summary>What the walk found: counts, the last good sequence, and the first break if any.</summary>
    private sealed class ChainWalk
    {
        public long Entries { get; set; }

        public long LastSequence { get; set; }

        public bool HeadHashMatched { get; set; }

        public AuditProblem? Problem { get; set; }

        public long? FirstBad { get; set; }
    }

    /// <summary>One line after the break, kept only for classifying it.</summary>
    private sealed record LineRecord(bool Parsed, bool Authentic, long Sequence, string PreviousHash)
    {
        public static LineRecord From(ReadOnlySpan<byte> line, AuditKey key)
        {
            if (!AuditLineFields.TryRead(line, out var fields))
            {
                return new LineRecord(false, false, 0, string.Empty);
            }

            return new LineRecord(true, key.VerifyLine(line, fields), fields.Sequence, Encoding.ASCII.GetString(line[fields.PreviousHash]));
        }
    }
}
