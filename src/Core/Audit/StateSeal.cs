using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HsmWallet.Core.Audit;

/// <summary>
/// Authenticates the state files the limits depend on (policy counters, signing state) with a key derived from the
/// vault's audit key, and anchors their generations in the audit head (itself anchored in the TPM where a TPM slot
/// exists): an edited file fails its MAC, an older copy has a generation below the recorded one, and a deleted file
/// is missing while recorded. Every such finding denies; the operator's way back is `hsmwallet state reseal`.
/// </summary>
public sealed class StateSeal : IDisposable
{
    /// <summary>The envelope's kind, which also tells a sealed file from one written by an older version.</summary>
    public const string Kind = "hsmwallet.state";

    /// <summary>What every integrity error ends with: the operator's recovery path.</summary>
    public const string Recovery = "signing is denied until an operator checks the home and runs `hsmwallet state reseal`";

    private readonly AuditKey auditKey;
    private readonly AuditKey stateKey;
    private readonly string folder;
    private readonly Func<long> expectedSequence;
    private readonly ConcurrentDictionary<string, long> written = new(StringComparer.Ordinal);

    internal StateSeal(AuditKey auditKey, string folder, Func<long> expectedSequence)
    {
        this.auditKey = auditKey;
        stateKey = auditKey.Derive("hsmwallet.state.v1");
        this.folder = folder;
        this.expectedSequence = expectedSequence;
    }

    /// <summary>Zeroes the derived key.</summary>
    public void Dispose() => stateKey.Dispose();

    /// <summary>The sealed form of <paramref name="body"/> as generation <paramref name="generation"/> of <paramref name="fileName"/>.</summary>
    internal byte[] Seal(string fileName, long generation, JsonObject body)
    {
        var envelope = new JsonObject
        {
            ["kind"] = Kind,
            ["version"] = 1,
            ["file"] = fileName,
            ["generation"] = generation,
            ["body"] = body.DeepClone(),
        };
        envelope["mac"] = stateKey.ComputeHex(envelope);
        return [.. JsonCanonicalizer.Serialize(envelope), (byte)'\n'];
    }

    /// <summary>Notes a generation made durable, so this process's next audit head records it.</summary>
    internal void Written(string fileName, long generation) =>
        written.AddOrUpdate(fileName, generation, (_, previous) => Math.Max(previous, generation));

    /// <summary>Checks an envelope's MAC and file name; returns its generation and body or throws naming <paramref name="field"/>.</summary>
    internal (long Generation, JsonObject Body) Open(string fileName, JsonObject envelope, string field)
    {
        try
        {
            if (envelope["kind"]?.GetValue<string>() != Kind || envelope["version"]?.GetValue<int>() != 1
                || envelope["file"]?.GetValue<string>() != fileName || envelope["mac"]?.GetValue<string>() is not string mac
                || envelope["generation"]?.GetValue<long>() is not long generation || envelope["body"] is not JsonObject body)
            {
                throw Broken(field, "is not sealed for this file");
            }

            var unsealed = (JsonObject)envelope.DeepClone();
            unsealed.Remove("mac");
            var expected = stateKey.ComputeHex(unsealed);
            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(mac)))
            {
                throw Broken(field, "failed its integrity check (edited, or sealed by another vault)");
            }

            return (generation, (JsonObject)body.DeepClone());
        }
        catch (Exception exception) when (exception is InvalidOperationException or FormatException or JsonException)
        {
            throw Broken(field, "is not sealed for this file");
        }
    }

    /// <summary>
    /// The generation the audit head (or this process) last recorded for a file, 0 when none; throws naming
    /// <paramref name="field"/> when the audit log cannot vouch for it (head missing or forged, log deleted).
    /// </summary>
    internal long RecordedGeneration(string fileName, string field)
    {
        var head = ReadHead(field);
        var recorded = head?.State?.GetValueOrDefault(fileName) ?? 0;
        return Math.Max(recorded, written.GetValueOrDefault(fileName));
    }

    /// <summary>Every file name the audit head or this process recorded a generation for.</summary>
    internal IReadOnlyCollection<string> RecordedFiles(string field)
    {
        var names = new SortedSet<string>(written.Keys, StringComparer.Ordinal);
        names.UnionWith(ReadHead(field)?.State?.Keys ?? []);
        return names;
    }

    /// <summary>The generations the next head records: the previous head's, raised by what this process wrote.</summary>
    internal IReadOnlyDictionary<string, long>? Merge(IReadOnlyDictionary<string, long>? previous)
    {
        if (written.IsEmpty)
        {
            return previous;
        }

        var merged = previous is null
            ? new Dictionary<string, long>(StringComparer.Ordinal)
            : new Dictionary<string, long>(previous, StringComparer.Ordinal);
        foreach (var (name, generation) in written)
        {
            merged[name] = Math.Max(merged.GetValueOrDefault(name), generation);
        }

        return merged;
    }

    /// <summary>
    /// The generations a head committed in the same journal as <paramref name="pending"/> records: <see cref="Merge(IReadOnlyDictionary{string, long}?)"/>,
    /// raised by the sealed state documents among the pending writes (state/NAME holding this file's envelope). Safe
    /// because the head and those documents become durable together or not at all.
    /// </summary>
    internal IReadOnlyDictionary<string, long>? Merge(IReadOnlyDictionary<string, long>? previous, IReadOnlyDictionary<string, byte[]?> pending)
    {
        var merged = Merge(previous);
        Dictionary<string, long>? raised = null;
        foreach (var (document, content) in pending)
        {
            if (content is null || !document.StartsWith("state/", StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                using var json = JsonDocument.Parse(content);
                var root = json.RootElement;
                if (root.ValueKind == JsonValueKind.Object
                    && root.TryGetProperty("kind", out var kind) && kind.ValueEquals(Kind)
                    && root.TryGetProperty("file", out var file) && file.ValueEquals(document["state/".Length..])
                    && root.TryGetProperty("generation", out var value) && value.TryGetInt64(out var generation))
                {
                    raised ??= merged is null
                        ? new Dictionary<string, long>(StringComparer.Ordinal)
                        : new Dictionary<string, long>(merged, StringComparer.Ordinal);
                    var name = file.GetString()!;
                    raised[name] = Math.Max(raised.GetValueOrDefault(name), generation);
                }
            }
            catch (JsonException)
            {
                // Not a sealed document: nothing to record.
            }
        }

        return raised ?? merged;
    }

    /// <summary>The error every integrity failure raises: the file, what is wrong, and the recovery path.</summary>
    internal static InvalidInputException Broken(string field, string problem) => new(field, problem + "; " + Recovery);

    private AuditHead? ReadHead(string field)
    {
        AuditFiles.CheckPrivate(folder);
        var status = AuditHead.TryRead(folder, auditKey, out var head);
        var expected = expectedSequence();
        switch (status)
        {
            case AuditHeadStatus.Valid when head!.Sequence >= expected:
                return head;
            case AuditHeadStatus.Missing when expected == 0 && AuditFiles.ListLogFiles(folder).Count == 0:
                return null;
            case AuditHeadStatus.Valid or AuditHeadStatus.Missing:
                throw Broken(field, "cannot be checked: the audit log is missing or shorter than the vault records (run hsmwallet audit verify)");
            default:
                throw Broken(field, "cannot be checked: the audit log's head record does not verify (run hsmwallet audit verify)");
        }
    }
}
