using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HsmWallet.Cli.Output;

/// <summary>
/// The one style of the CLI's JSON (INTERFACES.md): snake_case names, times in ISO 8601 UTC ending in Z, and text
/// escaped only where JSON requires it, so quotes and backticks in a message read as typed (the output is never HTML).
/// XRPL's own field names (Account, TransactionType...) inside transactions stay as the ledger spells them.
/// </summary>
internal static class JsonStyle
{
    /// <summary>Compact output for scripts (--json).</summary>
    public static JsonSerializerOptions Compact { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Indented output for people.</summary>
    public static JsonSerializerOptions Indented { get; } = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A stored name (keyFile, memoryKib) in the output's style (key_file, memory_kib).</summary>
    public static string SnakeCase(string name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name);

    /// <summary>A copy of <paramref name="source"/> with every name in snake_case, nested objects and arrays included.</summary>
    public static JsonObject SnakeCaseNames(JsonObject source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var copy = new JsonObject();
        foreach (var (name, value) in source)
        {
            copy[SnakeCase(name)] = SnakeCaseValue(value);
        }

        return copy;
    }

    /// <summary>A time as every time in the CLI's JSON: ISO 8601 UTC ending in Z.</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);

    private static JsonNode? SnakeCaseValue(JsonNode? value) => value switch
    {
        JsonObject nested => SnakeCaseNames(nested),
        JsonArray array => new JsonArray([.. array.Select(SnakeCaseValue)]),
        _ => value?.DeepClone(),
    };
}
