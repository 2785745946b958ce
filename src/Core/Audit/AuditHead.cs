using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HsmWallet.Core.Audit;

/// <summary>
/// The authenticated chain head (audit/head.json): the last sequence and hash, and the anchor
/// value, under an HMAC, so cutting entries off the end of the log is detected.
/// </summary>
/// <param name="Sequence">The last appended sequence (0 before the first entry).</param>
/// <param name="Hash">The last appended entry's hash (the genesis hash before the first entry).</param>
/// <param name="Anchor">The anchor value the head was written for; null when no anchor is in use.</param>
/// <param name="State">
/// The generation of each sealed state file (counters, signing state) as of this head, so an older copy of a
/// state file is detected; null or empty before any was sealed.
/// </param>
internal sealed record AuditHead(long Sequence, string Hash, ulong? Anchor, IReadOnlyDictionary<string, long>? State = null)
{
    private const int MaxStateFiles = 64;

    /// <summary>Separates head MACs from entry MACs made with the same key.</summary>
    public const string Kind = "hsmwallet.audit.head";

    public static AuditHead Genesis(ulong? anchor) => new(0, AuditEntry.GenesisHash, anchor);

    /// <summary>
    /// True when the anchor is further behind the head than the one step a crash between writing the head
    /// and incrementing the anchor leaves: the counter was deleted and defined again, or another one substituted.
    /// </summary>
    public static bool AnchorWasReset(ulong anchorValue, ulong? recorded) =>
        recorded is ulong value && value > 0 && anchorValue < value - 1;

    public byte[] ToFileBytes(AuditKey key)
    {
        var json = Body();
        json["mac"] = key.ComputeHex(json);
        var bytes = JsonCanonicalizer.Serialize(json);
        return [.. bytes, (byte)'\n'];
    }

    /// <summary>Reads and authenticates the head; the status says whether it was missing, unreadable or forged.</summary>
    public static AuditHeadStatus TryRead(string folder, AuditKey key, out AuditHead? head)
    {
        head = null;
        var path = Path.Combine(folder, AuditFiles.HeadFileName);
        byte[] content;
        try
        {
            if (!File.Exists(path))
            {
                return AuditHeadStatus.Missing;
            }

            content = File.ReadAllBytes(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return AuditHeadStatus.Unreadable;
        }

        try
        {
            if (content.Length > 16384 || JsonNode.Parse(content) is not JsonObject json)
            {
                return AuditHeadStatus.Unreadable;
            }

            if (json["kind"]?.GetValue<string>() != Kind
                || json["version"]?.GetValue<int>() != 1
                || json["mac"]?.GetValue<string>() is not string mac
                || json["sequence"]?.GetValue<long>() is not long sequence
                || json["hash"]?.GetValue<string>() is not string hash)
            {
                return AuditHeadStatus.Unreadable;
            }

            ulong? anchor = json["anchor"] is null
                ? null
                : ulong.Parse(json["anchor"]!.GetValue<string>(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);
            Dictionary<string, long>? state = null;
            if (json["state"] is JsonObject files)
            {
                if (files.Count > MaxStateFiles)
                {
                    return AuditHeadStatus.Unreadable;
                }

                state = new Dictionary<string, long>(StringComparer.Ordinal);
                foreach (var (name, value) in files)
                {
                    state[name] = value!.GetValue<long>();
                }
            }

            var candidate = new AuditHead(sequence, hash, anchor, state);
            var expected = key.ComputeHex(candidate.Body());
            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(mac)))
            {
                return AuditHeadStatus.Forged;
            }

            head = candidate;
            return AuditHeadStatus.Valid;
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException or OverflowException)
        {
            return AuditHeadStatus.Unreadable;
        }
    }

    private JsonObject Body()
    {
        var json = new JsonObject
        {
            ["kind"] = Kind,
            ["version"] = 1,
            ["sequence"] = Sequence,
            ["hash"] = Hash,
        };
        if (Anchor is ulong anchor)
        {
            // A string: hardware counters may exceed the 2^53 that canonical JSON numbers hold exactly.
            json["anchor"] = anchor.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (State is { Count: > 0 } state)
        {
            var files = new JsonObject();
            foreach (var (name, generation) in state.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                files[name] = generation;
            }

            json["state"] = files;
        }

        return json;
    }
}
