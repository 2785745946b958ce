using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Core.State;

namespace HsmWallet.Core.Audit;

/// <summary>
/// The audit chain's head kept in a shared state store as well as in the home (<c>audit/head-CHAIN.json</c>, under the
/// vault's audit key), so a home put back from an older copy, a log cut short or deleted, or a second instance running a
/// copy of the home with its audit folder is refused: none of them can move the head in the database back or sideways.
/// Written in the same transaction as the state the audited operation wrote when a store session is open on the thread.
/// The chain is named by its first entry's hash (random id and time under the MAC), so a copied audit folder is the
/// same chain and two homes that each began a log are two chains.
/// </summary>
public sealed class SharedAuditHead
{
    /// <summary>The store folder of the head documents.</summary>
    public const string DocumentFolder = "audit";

    /// <summary>The home's record (in the audit folder) that this chain's head has been committed to a shared store, so a deleted document is refused.</summary>
    public const string MarkerFileName = "shared-head.json";

    private const string Kind = "hsmwallet.audit.shared-head";
    private const string MarkerKind = "hsmwallet.audit.shared-head-marker";
    private const int MaxDocumentBytes = 4096;

    /// <summary>Keeps the head of each chain written through this writer in <paramref name="store"/>.</summary>
    public SharedAuditHead(IStateStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        Store = store;
    }

    /// <summary>The shared store the heads live in.</summary>
    public IStateStore Store { get; }

    /// <summary>The document name of a chain: the first 32 hex digits of its first entry's hash.</summary>
    public static string DocumentFor(string chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        return DocumentFolder + "/head-" + chain[..Math.Min(32, chain.Length)] + ".json";
    }

    /// <summary>Runs an append inside the store session (joining the thread's open one) that holds this chain's lock, before the writer's own locks.</summary>
    internal T Around<T>(string folder, AuditKey key, Func<IStateSession, T> work)
    {
        var chain = TryChainId(folder, key);
        var scope = DocumentFolder + "/lock-" + (chain is null ? "new" : chain[..32]);
        return Store.Exclusive(scope, work);
    }

    /// <summary>
    /// Before an append (under the writer's locks): the shared head must name the local end, or the entry before it (a
    /// crash or a rolled-back transaction after the line), which is brought up to the log in a commit of its own.
    /// Anything else throws <see cref="AuditWriteException"/> naming the cause and the fix.
    /// </summary>
    internal void CheckBeforeAppend(IStateSession session, string folder, AuditKey key, long lastSequence, string lastHash, string? previousHash)
    {
        var comparison = Compare(session, folder, key, lastSequence, lastHash, previousHash);
        switch (comparison.Status)
        {
            case SharedHeadStatus.Equal or SharedHeadStatus.NotRecorded:
                return;
            case SharedHeadStatus.OneAhead:
                // Durable whatever the enclosing operation does, so two failed operations in a row never leave it two behind.
                var chain = comparison.Chain!;
                Store.ExclusiveOnItsOwn(DocumentFolder + "/catchup-" + chain[..32], own =>
                {
                    own.Write(DocumentFor(chain), Body(key, chain, lastSequence, lastHash));
                    return 0;
                });
                return;
            default:
                throw new AuditWriteException("audit: " + comparison.Message);
        }
    }

    /// <summary>After an append: the head as the entry left it, in the same session; the home notes once the chain's head is committed.</summary>
    internal static void Record(IStateSession session, string folder, AuditKey key, string chain, long sequence, string hash)
    {
        session.Write(DocumentFor(chain), Body(key, chain, sequence, hash));
        if (!MarkerNames(folder, key, chain))
        {
            var marker = MarkerBytes(key, chain);
            session.AfterCommit(() => WriteMarker(folder, marker));
        }
    }

    /// <summary>
    /// Forgets the shared head of the chain in <paramref name="folder"/> and records the local one instead (the operator's
    /// `state reseal` after checking the home), in the thread's open session or one of its own. Nothing when the log is empty.
    /// </summary>
    public void Accept(string folder, ReadOnlySpan<byte> keyBytes)
    {
        using var key = new AuditKey(keyBytes);
        if (LocalEnd(folder, key) is not { } end)
        {
            return;
        }

        var (chain, sequence, hash) = end;

        Store.Exclusive(DocumentFolder + "/lock-" + chain[..32], session =>
        {
            session.Write(DocumentFor(chain), Body(key, chain, sequence, hash));
            var marker = MarkerBytes(key, chain);
            session.AfterCommit(() => WriteMarker(folder, marker));
            return 0;
        });
    }

    /// <summary>The comparison `audit verify` reports: the local log's end against the shared head, read in a session of its own.</summary>
    public SharedHeadComparison Verify(string folder, ReadOnlySpan<byte> keyBytes)
    {
        using var key = new AuditKey(keyBytes);
        try
        {
            var end = LocalEnd(folder, key);
            var sequence = end?.Sequence ?? 0;
            var hash = end?.Hash ?? AuditEntry.GenesisHash;
            var previous = end is null ? null : PreviousOf(folder, sequence);
            var chain = end?.Chain;
            return Store.ExclusiveOnItsOwn(DocumentFolder + "/lock-" + (chain is null ? "new" : chain[..32]), session => Compare(session, folder, key, sequence, hash, previous));
        }
        catch (AuditWriteException error)
        {
            return new SharedHeadComparison(SharedHeadStatus.Forged, null, null, 0, error.Message.Replace("audit: ", string.Empty, StringComparison.Ordinal));
        }
    }

    private static SharedHeadComparison Compare(IStateSession session, string folder, AuditKey key, long lastSequence, string lastHash, string? previousHash)
    {
        if (lastSequence == 0)
        {
            return new(SharedHeadStatus.NotRecorded, null, null, 0, "the log has no entries yet; its head is recorded with the first");
        }

        var chain = TryChainId(folder, key)
            ?? throw new AuditWriteException("audit: the first entry of the log is missing or does not verify, so its chain cannot be named; run audit verify");
        var document = DocumentFor(chain);
        var content = session.Read(document);
        if (content is null)
        {
            return MarkerNames(folder, key, chain)
                ? new(SharedHeadStatus.Missing, chain, null, lastSequence, Text(
                    $"the shared head of this chain ({document}) is missing from the state store although this home recorded it there (deleted, or the database restored from before the chain was recorded); after checking, `hsmwallet state reseal` records it again"))
                : new(SharedHeadStatus.NotRecorded, chain, null, lastSequence, "not recorded in the state store yet: the next entry records it");
        }

        if (!TryParse(content, key, out var shared) || !string.Equals(shared.Chain, chain, StringComparison.Ordinal))
        {
            return new(SharedHeadStatus.Forged, chain, null, lastSequence, Text(
                $"the shared head {document} does not verify under the vault's audit key or names another chain (edited, or another chain's document copied over it); after checking, `hsmwallet state reseal` records this home's head again"));
        }

        if (shared.Sequence == lastSequence && Same(shared.Hash, lastHash))
        {
            return new(SharedHeadStatus.Equal, chain, shared.Sequence, lastSequence, "the shared head names the end of this log");
        }

        if (shared.Sequence == lastSequence - 1 && previousHash is not null && Same(shared.Hash, previousHash))
        {
            return new(SharedHeadStatus.OneAhead, chain, shared.Sequence, lastSequence, "this log is one entry past the shared head (an append whose transaction did not commit); the next append brings it up");
        }

        if (shared.Sequence > lastSequence)
        {
            return new(SharedHeadStatus.Behind, chain, shared.Sequence, lastSequence, Text(
                $"this home's audit log ends at sequence {lastSequence} but the shared head of its chain is at {shared.Sequence}: the home was restored from an older copy or its log cut short, or another instance runs a copy of this home with its audit folder; restore the newer log, or give the copy a chain of its own (docs/deployment.md)"));
        }

        var local = HashAt(folder, key, shared.Sequence);
        return local is not null && Same(local, shared.Hash)
            ? new(SharedHeadStatus.SharedBehind, chain, shared.Sequence, lastSequence, Text(
                $"the shared head of this chain is at sequence {shared.Sequence}, {lastSequence - shared.Sequence} entries behind this log (the database restored from an older copy, or an old document put back); after checking, `hsmwallet state reseal` records this home's head again"))
            : new(SharedHeadStatus.Forked, chain, shared.Sequence, lastSequence, Text(
                $"the shared head names entry {shared.Sequence} with a hash this log does not hold: another instance writes this chain (a copy of this home with its audit folder); stop it, move its audit folder away and give it a chain of its own (docs/deployment.md), then `hsmwallet state reseal` here"));
    }

    // After the commit: a marker that could not be written is tried again at the next append (the operation that just
    // committed is not failed for it; until then a deleted document reads as not recorded yet).
    private static void WriteMarker(string folder, byte[] marker)
    {
        try
        {
            AuditFiles.WriteAtomically(Path.Combine(folder, MarkerFileName), marker);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static bool Same(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));

    private static byte[] Body(AuditKey key, string chain, long sequence, string hash)
    {
        var json = new JsonObject
        {
            ["kind"] = Kind,
            ["version"] = 1,
            ["chain"] = chain,
            ["sequence"] = sequence,
            ["hash"] = hash,
        };
        json["mac"] = key.ComputeHex(json);
        return JsonCanonicalizer.Serialize(json);
    }

    private static byte[] MarkerBytes(AuditKey key, string chain)
    {
        var json = new JsonObject { ["kind"] = MarkerKind, ["version"] = 1, ["chain"] = chain };
        json["mac"] = key.ComputeHex(json);
        return [.. JsonCanonicalizer.Serialize(json), (byte)'\n'];
    }

    private readonly record struct Shared(string Chain, long Sequence, string Hash);

    private static bool TryParse(byte[] content, AuditKey key, out Shared shared)
    {
        shared = default;
        try
        {
            if (content.Length > MaxDocumentBytes || JsonNode.Parse(content) is not JsonObject json
                || json["kind"]?.GetValue<string>() != Kind
                || json["version"]?.GetValue<int>() != 1
                || json["chain"]?.GetValue<string>() is not string chain
                || json["sequence"]?.GetValue<long>() is not long sequence
                || json["hash"]?.GetValue<string>() is not string hash
                || json["mac"]?.GetValue<string>() is not string mac)
            {
                return false;
            }

            json.Remove("mac");
            if (!Same(key.ComputeHex(json), mac))
            {
                return false;
            }

            shared = new Shared(chain, sequence, hash);
            return true;
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    // True when the home's marker (under the audit key) says this chain's head was committed to a shared store.
    private static bool MarkerNames(string folder, AuditKey key, string chain)
    {
        try
        {
            var path = Path.Combine(folder, MarkerFileName);
            if (!File.Exists(path) || new FileInfo(path).Length > MaxDocumentBytes
                || JsonNode.Parse(File.ReadAllBytes(path)) is not JsonObject json
                || json["kind"]?.GetValue<string>() != MarkerKind
                || json["chain"]?.GetValue<string>() is not string named
                || json["mac"]?.GetValue<string>() is not string mac)
            {
                return false;
            }

            json.Remove("mac");
            return Same(key.ComputeHex(json), mac) && string.Equals(named, chain, StringComparison.Ordinal);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    /// <summary>The chain's name: the hash of its first entry when that entry verifies; null when the log has none or it does not verify.</summary>
    internal static string? TryChainId(string folder, AuditKey key)
    {
        try
        {
            // The first line of the first file only (an entry is at most 64 KiB by default; 1 MiB is every writer's limit).
            var files = AuditFiles.ListLogFiles(folder);
            if (files.Count == 0 || files[0].Number != 1)
            {
                return null;
            }

            using var stream = new FileStream(files[0].Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
            var buffer = new byte[4096];
            var length = 0;
            int newline;
            while ((newline = buffer.AsSpan(0, length).IndexOf((byte)'\n')) < 0)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= 1024 * 1024)
                    {
                        return null;
                    }

                    Array.Resize(ref buffer, buffer.Length * 4);
                }

                var read = stream.Read(buffer, length, buffer.Length - length);
                if (read == 0)
                {
                    return null;
                }

                length += read;
            }

            var line = buffer.AsSpan(0, newline);
            if (!AuditLineFields.TryRead(line, out var fields) || fields.Sequence != 1 || !key.VerifyLine(line, fields))
            {
                return null;
            }

            return Encoding.ASCII.GetString(line[fields.Hash]);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // The hash of the entry at sequence, or null when the log holds none that verifies there.
    private static string? HashAt(string folder, AuditKey key, long sequence)
    {
        try
        {
            using var lines = new AuditLineStream(AuditFiles.ListLogFiles(folder));
            while (lines.TryNext(out var line))
            {
                if (AuditLineFields.TryRead(line, out var fields) && fields.Sequence == sequence)
                {
                    return key.VerifyLine(line, fields) ? Encoding.ASCII.GetString(line[fields.Hash]) : null;
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidDataException)
        {
        }

        return null;
    }

    private static string? PreviousOf(string folder, long sequence)
    {
        var tail = AuditTail.Read(AuditFiles.ListLogFiles(folder), repair: false);
        return tail.LastLine is byte[] line && AuditLineFields.TryRead(line, out var fields) && fields.Sequence == sequence
            ? Encoding.ASCII.GetString(line[fields.PreviousHash])
            : null;
    }

    // The chain, sequence and hash of the log's last verified line; null when the log is empty.
    private static (string Chain, long Sequence, string Hash)? LocalEnd(string folder, AuditKey key)
    {
        var tail = AuditTail.Read(AuditFiles.ListLogFiles(folder), repair: false);
        if (tail.LastLine is not byte[] line)
        {
            return null;
        }

        if (!AuditLineFields.TryRead(line, out var fields) || !key.VerifyLine(line, fields))
        {
            throw new AuditWriteException("audit: the last entry does not verify; run audit verify");
        }

        var chain = TryChainId(folder, key)
            ?? throw new AuditWriteException("audit: the first entry of the log is missing or does not verify; run audit verify");
        return (chain, fields.Sequence, Encoding.ASCII.GetString(line[fields.Hash]));
    }
}

/// <summary>How the shared head of a chain compares with the home's log, as appends and `audit verify` see it.</summary>
public enum SharedHeadStatus
{
    /// <summary>The shared head names the log's last entry.</summary>
    Equal,

    /// <summary>The log is one entry past the shared head (a crash or a rolled-back transaction after the line); the next append catches up.</summary>
    OneAhead,

    /// <summary>No shared head yet and the home never recorded one (a log not yet mirrored, or none at all): the next append records it.</summary>
    NotRecorded,

    /// <summary>The shared head is gone although the home recorded it there.</summary>
    Missing,

    /// <summary>The log ends before the shared head (restored older home, cut log, or another instance on a copy ahead of it).</summary>
    Behind,

    /// <summary>The shared head is more than one entry behind the log (database restored, old document put back).</summary>
    SharedBehind,

    /// <summary>The shared head names an entry this log holds with another hash (a second writer of the chain).</summary>
    Forked,

    /// <summary>The shared head does not verify under the audit key, names another chain, or the log's own ends do not verify.</summary>
    Forged,
}

/// <summary>The outcome of comparing a home's log with its chain's shared head, with a message that names the cause and the fix.</summary>
/// <param name="Status">What was found.</param>
/// <param name="Chain">The chain's name (its first entry's hash), or null for an empty log.</param>
/// <param name="SharedSequence">The sequence the shared head names, or null when there is none that verifies.</param>
/// <param name="LocalSequence">The log's last sequence.</param>
/// <param name="Message">The cause and what to do.</param>
public sealed record SharedHeadComparison(SharedHeadStatus Status, string? Chain, long? SharedSequence, long LocalSequence, string Message)
{
    /// <summary>True when appends may go on (equal, one entry ahead, or not recorded yet).</summary>
    public bool Ok => Status is SharedHeadStatus.Equal or SharedHeadStatus.OneAhead or SharedHeadStatus.NotRecorded;

    /// <summary>The JSON `audit verify` prints under "shared_head".</summary>
    public JsonObject ToJson() => new()
    {
        ["status"] = Status switch
        {
            SharedHeadStatus.Equal => "equal",
            SharedHeadStatus.OneAhead => "one_ahead",
            SharedHeadStatus.NotRecorded => "not_recorded",
            SharedHeadStatus.Missing => "missing",
            SharedHeadStatus.Behind => "behind",
            SharedHeadStatus.SharedBehind => "shared_behind",
            SharedHeadStatus.Forked => "forked",
            _ => "forged",
        },
        ["chain"] = Chain,
        ["shared_sequence"] = SharedSequence,
        ["local_sequence"] = LocalSequence,
        ["ok"] = Ok,
        ["message"] = Message,
    };
}
