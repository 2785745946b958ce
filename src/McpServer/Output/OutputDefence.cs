using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HsmWallet.McpServer.Output;

/// <summary>
/// The spec's prompt-injection defence on output: every string that came from the ledger or the agent
/// (memos, domains, names) goes back as data inside {"untrusted": "..."}, with instruction-like patterns
/// neutralized and control characters removed, so an agent reading a result can tell data from the server's own
/// words and nothing in it is executable.
/// </summary>
public static partial class OutputDefence
{
    /// <summary>The key that marks a value as untrusted data.</summary>
    public const string UntrustedKey = "untrusted";

    /// <summary>The longest untrusted text returned; longer text is cut and marked.</summary>
    public const int MaxUntrustedLength = 1024;

    /// <summary>
    /// How every result is serialized: compact, escaping only what JSON requires, so quotes and backticks in a message
    /// read as written (no \u0022 or \u0060). A result is JSON text content for a client and a model, never HTML: what
    /// keeps untrusted text inert is <see cref="Untrusted"/> and <see cref="Neutralize"/>, not escapes. Nothing built
    /// with these options may be put into a web page (the approval page encodes its own values for HTML).
    /// </summary>
    /// <remarks>
    /// The server's own source-generated contracts come first (<see cref="ServerJsonContext"/>), then the SDK's: no type is
    /// left to the reflection-based serializer, which the native AOT binary does not have.
    /// </remarks>
    public static JsonSerializerOptions SerializerOptions { get; } = CreateSerializerOptions();

    /// <summary>The contract of a result or error body (a JSON object) under <see cref="SerializerOptions"/>.</summary>
    public static System.Text.Json.Serialization.Metadata.JsonTypeInfo<JsonObject> JsonObjectInfo { get; } = SerializerOptions.GetTypeInfo<JsonObject>();

    private static JsonSerializerOptions CreateSerializerOptions()
    {
        var options = new JsonSerializerOptions(ModelContextProtocol.McpJsonUtilities.DefaultOptions)
        {
            WriteIndented = false,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.TypeInfoResolverChain.Insert(0, ServerJsonContext.Default);
        options.MakeReadOnly();
        return options;
    }

    /// <summary>
    /// A ledger result code (tesSUCCESS, tecUNFUNDED_PAYMENT...) as plain text when it has a code's shape; anything
    /// else a node sent there is returned as untrusted data.
    /// </summary>
    public static JsonNode? LedgerCode(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text)
            ? (ResultCodePattern().IsMatch(text) ? JsonValue.Create(text) : Untrusted(text))
            : null;

    /// <summary>Wraps agent- or ledger-supplied text as {"untrusted": neutralized text}.</summary>
    public static JsonObject Untrusted(string? text) => new() { [UntrustedKey] = Neutralize(text ?? string.Empty) };

    /// <summary>Neutralizes instruction-like patterns the spec names and the chat-template markers agents use.</summary>
    public static string Neutralize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(Math.Min(text.Length, MaxUntrustedLength));
        foreach (var character in text)
        {
            if (builder.Length >= MaxUntrustedLength)
            {
                builder.Append("[cut]");
                break;
            }

            // Control characters become spaces; invisible format characters (zero-width, bidirectional overrides)
            // are dropped, so they cannot split an instruction marker past the patterns below.
            if (char.GetUnicodeCategory(character) == System.Globalization.UnicodeCategory.Format)
            {
                continue;
            }

            // Line and paragraph separators (U+2028, U+2029) break lines like a newline does: spaces too.
            var breaksLines = char.IsControl(character)
                || char.GetUnicodeCategory(character) is System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator;
            builder.Append(breaksLines ? ' ' : character);
        }

        var result = builder.ToString();
        result = InstructionMarker().Replace(result, "[DATA]");
        result = SystemMarker().Replace(result, "<<DATA>>");
        result = ChatTemplateMarker().Replace(result, "[DATA]");
        result = RoleMarker().Replace(result, match => $"[DATA {match.Groups[1].Value}]");
        return result.Replace("```", "\\`\\`\\`", StringComparison.Ordinal);
    }

    /// <summary>
    /// The memos of a transaction in words: each MemoType, MemoFormat and MemoData decoded from hex to text
    /// (when it is UTF-8) and marked untrusted, so an agent never has to decode attacker-chosen bytes itself.
    /// </summary>
    public static JsonArray DecodedMemos(JsonObject? transaction)
    {
        var memos = new JsonArray();
        if (transaction?["Memos"] is not JsonArray list)
        {
            return memos;
        }

        foreach (var wrapper in list)
        {
            if (wrapper?["Memo"] is not JsonObject memo)
            {
                continue;
            }

            var decoded = new JsonObject();
            foreach (var (field, name) in new[] { ("MemoType", "type"), ("MemoFormat", "format"), ("MemoData", "data") })
            {
                if (memo[field] is JsonValue value && value.GetValueKind() == JsonValueKind.String)
                {
                    decoded[name] = Untrusted(HexToText(value.GetValue<string>()));
                }
            }

            memos.Add((JsonNode)decoded);
        }

        return memos;
    }

    /// <summary>
    /// Ledger data returned as-is for machines (hex stays hex) but with every string neutralized, and the
    /// human-readable parts (memos, Domain) added decoded and marked untrusted.
    /// </summary>
    public static JsonNode? LedgerData(JsonNode? node) => node switch
    {
        JsonObject obj => LedgerObject(obj),
        JsonArray array => new JsonArray([.. array.Select(LedgerData)]),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => JsonValue.Create(Neutralize(value.GetValue<string>())),
        _ => node?.DeepClone(),
    };

    /// <summary>
    /// A currency code in words, marked untrusted: a three-character code as it is, a 40-hex code decoded (its trailing
    /// zero bytes dropped) when it is UTF-8 text. Whoever issues a currency chooses those 20 bytes, so they are data.
    /// </summary>
    public static JsonObject CurrencyText(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (code.Length != 40)
        {
            return Untrusted(code);
        }

        var trimmed = code.TrimEnd('0');
        return Untrusted(HexToText(trimmed.Length % 2 == 0 ? trimmed : trimmed + "0"));
    }

    /// <summary>Hex the ledger holds (an NFT's URI, a Domain) decoded to text when it is UTF-8, and marked untrusted.</summary>
    public static JsonObject HexAsText(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        return Untrusted(HexToText(hex));
    }

    private static JsonObject LedgerObject(JsonObject source)
    {
        // Keys are the server's text too: one that is not a field name ("[INST] ...", or "Amo\u200Bunt", which neutralizing
        // would turn into a real field's name) is left out and counted, never renamed onto another field.
        var copy = new JsonObject();
        var dropped = 0;
        foreach (var (name, child) in source)
        {
            if (!FieldName().IsMatch(name))
            {
                dropped++;
                continue;
            }

            copy[name] = LedgerData(child);
        }

        if (dropped > 0)
        {
            copy["dropped_fields"] = dropped;
        }

        if (source["Memos"] is JsonArray)
        {
            copy["decoded_memos"] = DecodedMemos(source);
        }

        if (source["Domain"] is JsonValue domain && domain.GetValueKind() == JsonValueKind.String)
        {
            copy["decoded_domain"] = Untrusted(HexToText(domain.GetValue<string>()));
        }

        if (source["URI"] is JsonValue uri && uri.GetValueKind() == JsonValueKind.String)
        {
            copy["decoded_uri"] = Untrusted(HexToText(uri.GetValue<string>()));
        }

        // An issued amount's currency: a 40-hex code can spell 20 bytes of anyone's text.
        if (source["currency"] is JsonValue currency && currency.GetValueKind() == JsonValueKind.String && currency.GetValue<string>().Length == 40)
        {
            copy["decoded_currency"] = CurrencyText(currency.GetValue<string>());
        }

        return copy;
    }

    private static string HexToText(string hex)
    {
        try
        {
            var bytes = Convert.FromHexString(hex);
            var text = new UTF8Encoding(false, true).GetString(bytes);
            return text;
        }
        catch (FormatException)
        {
            return $"(binary, {hex.Length / 2} bytes)";
        }
        catch (ArgumentException)
        {
            return $"(binary, {hex.Length / 2} bytes)";
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex FieldName();

    [GeneratedRegex("^[a-z]{3}[A-Z][A-Z_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ResultCodePattern();

    [GeneratedRegex(@"\[/?INST\]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex InstructionMarker();

    [GeneratedRegex(@"<</?SYS>>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SystemMarker();

    [GeneratedRegex(@"<\|[a-z_]*\|>|</?(system|assistant|user|tool|instructions?)>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ChatTemplateMarker();

    [GeneratedRegex(@"^\s*(system|assistant)\s*:", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Multiline)]
    private static partial Regex RoleMarker();
}
