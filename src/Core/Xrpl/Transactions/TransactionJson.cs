using System.Text.Json;
using System.Text.Json.Nodes;

namespace HsmWallet.Core.Xrpl.Transactions;

/// <summary>
/// Reads a transaction's JSON so that it means exactly one thing: a key given twice (which one reader would take
/// first and another last) is refused naming the field, as is nesting deeper than any transaction needs. Both
/// front ends read a transaction through here, so the policy, the summary and the signature see the same object.
/// </summary>
public static class TransactionJson
{
    /// <summary>The deepest nesting a transaction may have (Batch inner transactions with memos and paths fit easily).</summary>
    public const int MaxDepth = 32;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = MaxDepth };

    /// <summary>Parses <paramref name="text"/> as one JSON object; throws <see cref="InvalidInputException"/> naming <paramref name="field"/> otherwise.</summary>
    public static JsonObject ParseObject(string text, string field)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(field);
        try
        {
            using var document = JsonDocument.Parse(text, Options);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidInputException(field, "must be a JSON object");
            }

            JsonText.RefuseUndecodable(document.RootElement, field);
            RefuseRepeatedKeys(document.RootElement, field);
            return JsonObject.Create(document.RootElement.Clone())!;
        }
        catch (JsonException error)
        {
            throw new InvalidInputException(field, $"is not valid JSON (line {error.LineNumber + 1})");
        }
    }

    /// <summary>Parses the JSON object held by <paramref name="element"/> (an MCP argument) by the same rules.</summary>
    public static JsonObject ParseObject(JsonElement element, string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return element.ValueKind == JsonValueKind.Object
            ? ParseObject(element.GetRawText(), field)
            : throw new InvalidInputException(field, "must be a JSON object in XRPL's JSON form (not a string)");
    }

    private static void RefuseRepeatedKeys(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    if (!seen.Add(property.Name))
                    {
                        throw new InvalidInputException(path, "has a key given twice; each field may appear once, so it cannot mean two things");
                    }

                    RefuseRepeatedKeys(property.Value, PathOf(path, property.Name));
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    RefuseRepeatedKeys(item, $"{path}[{index++}]");
                }

                break;
        }
    }

    private static string PathOf(string path, string name) => JsonText.PathOf(path, name);
}
