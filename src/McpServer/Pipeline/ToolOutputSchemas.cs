using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HsmWallet.McpServer.Pipeline;

/// <summary>
/// The one table of what each tool's successful result looks like (its MCP outputSchema), next to
/// <see cref="ToolCatalog"/>: the pipeline copies every successful result's JSON text into structuredContent, and
/// tools/list publishes these schemas. A new tool adds one line here; a tool without one is caught by the tests.
/// The published schema also admits the error body, because validating clients check error results too.
/// </summary>
public static class ToolOutputSchemas
{
    /// <summary>The success shape of every tool, by name.</summary>
    public static FrozenDictionary<string, JsonObject> Results { get; } = new Dictionary<string, JsonObject>(StringComparer.Ordinal)
    {
        ["wallet_list"] = Object(("wallets", Array(Wallet()))),
        ["wallet_balance"] = Object(
            ("address", String),
            ("balance_drops", String),
            ("reserve_drops", String),
            ("available_drops", String),
            ("sequence", Integer),
            ("ledger_index", Integer)),
        ["wallet_history"] = Object(("address", String), ("transactions", Array(AnyObject)), ("marker", Any)),
        ["wallet_create"] = Wallet(("public_key", String)),
        ["wallet_export"] = Object(("path", String), ("sha256", String)),
        ["wallet_delete"] = Object(("deleted", Boolean), ("address", String), ("name", String)),
        ["tx_decode"] = Object(("tx_json", AnyObject), ("hash", Nullable(String)), ("signed", Boolean), ("memos", Array(Memo()))),
        ["tx_status"] = Object(("hash", String), ("found", Boolean), ("validated", Boolean), ("result", Nullable(LedgerCode())), ("ledger_index", Nullable(Integer))),
        ["tx_submit"] = Submission(),
        ["policy_check"] = Object(("decision", Decision()), ("reasons", Array(Reason())), ("effects", Nullable(AnyObject))),
        ["tx_sign"] = Optional(
            Object(("tx_blob", String), ("hash", String), ("decision", Decision()), ("warnings", Array(String))),
            ("engine_result", Nullable(LedgerCode())),
            ("validated", Boolean),
            ("ledger_index", Nullable(Integer)),
            ("submit_error", String)),
        ["audit_verify"] = Object(
            ("ok", Boolean),
            ("entries", Integer),
            ("head_sequence", Integer),
            ("first_bad_sequence", Nullable(Integer)),
            ("problem", Nullable(String))),
        ["server_status"] = Object(
            ("network", String),
            ("unlockers", Array(Object(("slot", Integer), ("kind", String), ("hardware", Boolean), ("healthy", Boolean)))),
            ("lockout", Object(("locked", Boolean), ("locked_until", Nullable(String)))),
            ("limits", Object(
                ("standard", String),
                ("strict", String),
                ("critical", String),
                ("concurrent_operations", Integer),
                ("timeout_seconds", Integer),
                ("max_request_bytes", Integer)))),
        ["wallet_lines"] = Object(
            ("address", String),
            ("lines", Array(Object(
                ("account", String),
                ("currency", String),
                ("currency_text", Nullable(Untrusted())),
                ("balance", String),
                ("limit", String),
                ("limit_peer", String),
                ("quality_in", Integer),
                ("quality_out", Integer),
                ("no_ripple", Boolean),
                ("no_ripple_peer", Boolean),
                ("authorized", Boolean),
                ("peer_authorized", Boolean),
                ("freeze", Boolean),
                ("freeze_peer", Boolean)))),
            ("marker", Nullable(String))),
        ["wallet_objects"] = new JsonObject
        {
            ["anyOf"] = new JsonArray(
                Object(("address", String), ("type", Nullable(String)), ("objects", Array(AnyObject)), ("marker", Nullable(String))),
                Object(
                    ("address", String),
                    ("type", String),
                    ("nfts", Array(Object(
                        ("nft_id", String),
                        ("issuer", String),
                        ("taxon", Integer),
                        ("serial", Integer),
                        ("flags", Integer),
                        ("transfer_fee", Nullable(Integer)),
                        ("uri", Nullable(String)),
                        ("uri_text", Nullable(Untrusted()))))),
                    ("marker", Nullable(String)))),
        },
        ["ledger_status"] = Object(
            ("network", String),
            ("network_id", Nullable(Integer)),
            ("expected_network_id", Nullable(Integer)),
            ("network_id_matches", Nullable(Boolean)),
            ("server_state", String),
            ("validated_ledger_index", Integer),
            ("open_ledger_index", Integer),
            ("base_fee_drops", String),
            ("open_ledger_fee_drops", String),
            ("reserve_base_drops", String),
            ("reserve_increment_drops", String)),
        ["wallet_fund"] = Object(
            ("address", String),
            ("funded", Boolean),
            ("amount_drops", Nullable(String)),
            ("hash", Nullable(String)),
            ("network", String)),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The error body every refusal carries as structuredContent (INTERFACES.md).</summary>
    public static JsonObject ErrorBody { get; } = Object(("error", Open(Object(("code", String), ("message", String), ("correlation_id", String)))));

    /// <summary>
    /// The outputSchema tools/list publishes for <paramref name="toolName"/>: the success shape or the error body;
    /// null for a tool without a declared shape.
    /// </summary>
    public static JsonElement? For(string toolName) =>
        Results.TryGetValue(toolName, out var success)
            ? JsonSerializer.SerializeToElement(new JsonObject
            {
                ["type"] = "object",
                ["anyOf"] = new JsonArray(success.DeepClone(), ErrorBody.DeepClone()),
            })
            : null;

    private static JsonObject String => Type("string");

    private static JsonObject Boolean => Type("boolean");

    private static JsonObject Integer => Type("integer");

    private static JsonObject AnyObject => Type("object");

    private static JsonObject Any => [];

    private static JsonObject Type(string type) => new() { ["type"] = type };

    /// <summary>An object with exactly these properties, all required.</summary>
    private static JsonObject Object(params (string Name, JsonObject Schema)[] properties)
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
    private static JsonObject Optional(JsonObject schema, params (string Name, JsonObject Schema)[] properties)
    {
        var shape = schema["properties"]!.AsObject();
        foreach (var (name, property) in properties)
        {
            shape[name] = property;
        }

        return schema;
    }

    /// <summary><paramref name="schema"/> that admits further properties (an error code adds its own fields).</summary>
    private static JsonObject Open(JsonObject schema)
    {
        schema.Remove("additionalProperties");
        return schema;
    }

    private static JsonObject Array(JsonObject items) => new() { ["type"] = "array", ["items"] = items };

    private static JsonObject Nullable(JsonObject schema) => new() { ["anyOf"] = new JsonArray(schema, Type("null")) };

    private static JsonObject Wallet(params (string Name, JsonObject Schema)[] more) =>
        Object([("name", String), ("address", String), ("key_type", String), ("network", String), .. more]);

    /// <summary>Text from the ledger or an agent, neutralized and marked.</summary>
    private static JsonObject Untrusted() => Object((Output.OutputDefence.UntrustedKey, String));

    /// <summary>A result code as text when it has a code's shape, else marked untrusted.</summary>
    private static JsonObject LedgerCode() => new() { ["anyOf"] = new JsonArray(String, Untrusted()) };

    private static JsonObject Memo()
    {
        var memo = Object(("type", Untrusted()), ("format", Untrusted()), ("data", Untrusted()));
        memo["required"] = new JsonArray();
        return memo;
    }

    private static JsonObject Decision() => new() { ["type"] = "string", ["enum"] = new JsonArray("allow", "approve", "deny") };

    private static JsonObject Reason() => Object(("rule", String), ("message", String), ("outcome", String));

    private static JsonObject Submission() => Object(
        ("engine_result", Nullable(LedgerCode())),
        ("hash", String),
        ("validated", Boolean),
        ("ledger_index", Nullable(Integer)));
}
