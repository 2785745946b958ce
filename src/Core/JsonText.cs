using System.Text.Json;

namespace HsmWallet.Core;

/// <summary>
/// Checks that every key and string of a JSON value can be read as text. The JSON reader accepts an escape of half
/// a surrogate pair ("\ud800") and leaves string bytes undecoded until read, so such text would otherwise surface
/// later as an InvalidOperationException naming no field; here it is refused once, naming the field.
/// </summary>
public static class JsonText
{
    /// <summary>What a refused value is told: the rule, never the value.</summary>
    public const string Rule = "must be valid Unicode text (an escape of half a surrogate pair, such as \\ud800, or bytes that are not UTF-8 are not characters)";

    /// <summary>Throws <see cref="InvalidInputException"/> naming <paramref name="field"/> (or the key's path under it) when any key or string of <paramref name="element"/> cannot be read as text.</summary>
    public static void RefuseUndecodable(JsonElement element, string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                Read(() => element.GetString(), field);
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var name = Read(() => property.Name, field);
                    RefuseUndecodable(property.Value, PathOf(field, name));
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    RefuseUndecodable(item, $"{field}[{index++}]");
                }

                break;
        }
    }

    /// <summary>The path of key <paramref name="name"/> under <paramref name="path"/>; only a plain identifier is echoed, since a key is the caller's text and may carry anything.</summary>
    public static string PathOf(string path, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? path + "." + name : path + ".<key>";
    }

    private static string Read(Func<string?> read, string field)
    {
        try
        {
            return read() ?? string.Empty;
        }
        catch (InvalidOperationException exception)
        {
            throw new InvalidInputException(field, Rule, exception);
        }
    }
}
