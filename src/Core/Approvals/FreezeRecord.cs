using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HsmWallet.Core.Approvals;

/// <summary>
/// One freeze as the operator made it: a random id (so an approval to lift one freeze never lifts a later one), when,
/// who, and the operator's reason. The same record is written to the marker file and to the vault's settings.
/// </summary>
/// <param name="Id">32 random hex digits, new for every freeze.</param>
/// <param name="Since">When the freeze was made (UTC, whole seconds).</param>
/// <param name="By">Who froze (the audit actor's id, e.g. "cli").</param>
/// <param name="Reason">The operator's words, or null; visible characters only (see <see cref="CheckReason"/>).</param>
public sealed record FreezeRecord(string Id, DateTimeOffset Since, string By, string? Reason)
{
    /// <summary>The longest reason accepted.</summary>
    public const int MaximumReasonLength = 200;

    private const int MaximumByLength = 64;

    /// <summary>A new record for a freeze made now by <paramref name="by"/> for <paramref name="reason"/> (checked).</summary>
    public static FreezeRecord New(DateTimeOffset now, string by, string? reason)
    {
        CheckReason(reason);
        var second = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        return new FreezeRecord(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), second, Plain(by), string.IsNullOrEmpty(reason) ? null : reason);
    }

    /// <summary>
    /// Refuses a reason longer than <see cref="MaximumReasonLength"/> or holding anything but letters, digits, punctuation,
    /// symbols and spaces: it is shown to the agent and the operator, so it carries no control, format or direction character.
    /// </summary>
    public static void CheckReason(string? reason)
    {
        if (reason is null)
        {
            return;
        }

        if (reason.Length > MaximumReasonLength || !IsVisible(reason))
        {
            throw new InvalidInputException("reason", $"must be at most {MaximumReasonLength} letters, digits, punctuation, symbols and spaces (no control or invisible characters)");
        }
    }

    /// <summary>The record as stored: UTF-8 JSON with a version.</summary>
    public byte[] ToBytes() => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["version"] = 1,
        ["id"] = Id,
        ["since"] = SinceText,
        ["by"] = By,
        ["reason"] = Reason,
    }.ToJsonString());

    /// <summary>When, as ISO 8601 UTC (what answers and messages show).</summary>
    public string SinceText => Since.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>The record stored in <paramref name="bytes"/>, or null when it is not exactly a record this code writes.</summary>
    public static FreezeRecord? Parse(ReadOnlySpan<byte> bytes)
    {
        try
        {
            if (JsonNode.Parse(Encoding.UTF8.GetString(bytes)) is not JsonObject json
                || json.Count != 5
                || json["version"]?.GetValue<int>() != 1
                || json["id"]?.GetValue<string>() is not { Length: 32 } id || !id.All(char.IsAsciiHexDigitLower)
                || json["by"]?.GetValue<string>() is not { Length: > 0 and <= MaximumByLength } by || Plain(by) != by
                || json["since"]?.GetValue<string>() is not { } since
                || !DateTimeOffset.TryParseExact(since, "yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var when))
            {
                return null;
            }

            var reason = json["reason"] is null ? null : json["reason"]!.GetValue<string>();
            if (reason is not null && (reason.Length is 0 or > MaximumReasonLength || !IsVisible(reason)))
            {
                return null;
            }

            return new FreezeRecord(id, when, by, reason);
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException or FormatException or ArgumentException or DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>The freeze in words: when, by whom, and why.</summary>
    public string Describe() => Reason is null
        ? $"since {SinceText}, by {By}"
        : $"since {SinceText}, by {By}, reason: {Reason}";

    private static bool IsVisible(string text) =>
        text.All(c => c == ' ' || char.IsLetterOrDigit(c) || char.IsPunctuation(c) || char.IsSymbol(c));

    private static string Plain(string by)
    {
        var plain = new string([.. by.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':').Take(MaximumByLength)]);
        return plain.Length == 0 ? "unknown" : plain;
    }
}
