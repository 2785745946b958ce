using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HsmWallet.Tests.Fixtures;

/// <summary>
/// The JSON style every result and error follows: snake_case names, times in ISO 8601 UTC ending in Z. XRPL's own
/// objects (a transaction, its metadata, a multisign share), the operator's policy document and the effect model's moves (keyed by asset codes
/// and addresses) keep their names; they are data, not our field names.
/// </summary>
public static partial class JsonStyleCheck
{
    private static readonly HashSet<string> XrplData = new(StringComparer.Ordinal) { "tx_json", "tx", "transaction", "signer", "meta", "policy", "delivered_amount", "moves" };

    /// <summary>Every break of the style in <paramref name="node"/>, each as "path: problem".</summary>
    public static List<string> Problems(JsonNode? node, string path = "$")
    {
        var problems = new List<string>();
        Walk(node, path, problems);
        return problems;
    }

    private static void Walk(JsonNode? node, string path, List<string> problems)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    if (!SnakeCase().IsMatch(name))
                    {
                        problems.Add($"{path}.{name}: not snake_case");
                    }

                    if (!XrplData.Contains(name))
                    {
                        Walk(value, $"{path}.{name}", problems);
                    }
                }

                break;
            case JsonArray array:
                for (var index = 0; index < array.Count; index++)
                {
                    Walk(array[index], $"{path}[{index}]", problems);
                }

                break;
            case JsonValue value when value.TryGetValue<string>(out var text) && DateTime().IsMatch(text) && !text.EndsWith('Z'):
                problems.Add($"{path}: time {text} does not end in Z");
                break;
        }
    }

    [GeneratedRegex("^[a-z0-9_]+$")]
    private static partial Regex SnakeCase();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")]
    private static partial Regex DateTime();
}
