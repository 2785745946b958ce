using System.Text.Json.Nodes;

namespace HsmWallet.McpServer.Pipeline;

/// <summary>
/// The small JSON Schema builders the tool declarations write their output shapes with, so a declaration reads as
/// the shape it describes. Every call builds a new node (a schema can be placed in several trees).
/// </summary>
internal static class JsonSchemas
{
    /// <summary>A string.</summary>
    public static JsonObject Text => Type("string");

    /// <summary>true or false.</summary>
    public static JsonObject Bool => Type("boolean");

    /// <summary>A whole number.</summary>
    public static JsonObject Int => Type("integer");

    /// <summary>Any object.</summary>
    public static JsonObject AnyObject => Type("object");

    /// <summary>Any value.</summary>
    public static JsonObject Any => [];

    /// <summary>A value of one JSON type.</summary>
    private static JsonObject Type(string type) => new() { ["type"] = type };

    /// <summary>An object with exactly these properties, all required.</summary>
    public static JsonObject Shape(params (string Name, JsonObject Schema)[] properties)
    {
        var shape = new JsonObject();
        foreach (var (name, schema) in properties)
        {
            shape[name] = schema;
        }

        return new JsonObject
        {
            ["type"] = "object",
            ["properties"] = shape,
            ["required"] = new JsonArray([.. properties.Select(property => (JsonNode)property.Name)]),
            ["additionalProperties"] = false,
        };
    }

    /// <summary><paramref name="schema"/> with further properties that may be absent.</summary>
    public static JsonObject WithOptional(JsonObject schema, params (string Name, JsonObject Schema)[] properties)
    {
        var shape = schema["properties"]!.AsObject();
        foreach (var (name, property) in properties)
        {
            shape[name] = property;
        }

        return schema;
    }

    /// <summary><paramref name="schema"/> that admits further properties (an error code adds its own fields).</summary>
    public static JsonObject Open(JsonObject schema)
    {
        schema.Remove("additionalProperties");
        return schema;
    }

    /// <summary>An array of <paramref name="items"/>.</summary>
    public static JsonObject ArrayOf(JsonObject items) => new() { ["type"] = "array", ["items"] = items };

    /// <summary><paramref name="schema"/> or null.</summary>
    public static JsonObject OrNull(JsonObject schema) => new() { ["anyOf"] = new JsonArray(schema, Type("null")) };

    /// <summary>One of these shapes.</summary>
    public static JsonObject AnyOf(params JsonObject[] schemas) => new() { ["anyOf"] = new JsonArray([.. schemas]) };

    /// <summary>A wallet as the wallet tools describe it, with <paramref name="more"/> properties.</summary>
    public static JsonObject Wallet(params (string Name, JsonObject Schema)[] more) =>
        Shape([("name", Text), ("address", Text), ("key_type", Text), ("network", Text), .. more]);

    /// <summary>Text from the ledger or an agent, neutralized and marked.</summary>
    public static JsonObject Untrusted() => Shape((Output.OutputDefence.UntrustedKey, Text));

    /// <summary>A result code as text when it has a code's shape, else marked untrusted.</summary>
    public static JsonObject LedgerCode() => new() { ["anyOf"] = new JsonArray(Text, Untrusted()) };

    /// <summary>A decoded memo: each part optional and untrusted.</summary>
    public static JsonObject Memo()
    {
        var memo = Shape(("type", Untrusted()), ("format", Untrusted()), ("data", Untrusted()));
        memo["required"] = new JsonArray();
        return memo;
    }

    /// <summary>The operator's freeze as server_status and policy_check show it: false, or since, reason, by and problem.</summary>
    public static JsonObject Frozen() => AnyOf(Bool, Shape(("since", OrNull(Text)), ("reason", OrNull(Text)), ("by", OrNull(Text)), ("problem", OrNull(Text))));

    /// <summary>The policy's decision word.</summary>
    public static JsonObject Decision() => new() { ["type"] = "string", ["enum"] = new JsonArray("allow", "delay", "approve", "deny") };

    /// <summary>One policy reason.</summary>
    public static JsonObject Reason() => Shape(("rule", Text), ("message", Text), ("outcome", Text), ("section", Text));

    /// <summary>The submission fields of INTERFACES.md.</summary>
    public static JsonObject Submission() => Shape(
        ("engine_result", OrNull(LedgerCode())),
        ("hash", Text),
        ("validated", Bool),
        ("ledger_index", OrNull(Int)));
}
