using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Nodes;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Ledger;
using ModelContextProtocol.Server;
using static HsmWallet.McpServer.Pipeline.JsonSchemas;

namespace HsmWallet.McpServer.Pipeline;

/// <summary>What an argument is, so the pipeline knows which rule cleans and checks it before any tool runs.</summary>
public enum ArgumentKind
{
    /// <summary>A wallet's name or classic address (checksum checked).</summary>
    Wallet,

    /// <summary>A new wallet's name: 1 to 64 characters after cleaning.</summary>
    Name,

    /// <summary>ed25519 or secp256k1.</summary>
    KeyType,

    /// <summary>mainnet, testnet or devnet.</summary>
    Network,

    /// <summary>A transaction in XRPL JSON: bounded depth, checked addresses and amounts, no signature fields.</summary>
    Transaction,

    /// <summary>An even number of hex digits.</summary>
    Blob,

    /// <summary>A transaction hash: 64 hex digits.</summary>
    Hash,

    /// <summary>A whole number within the argument's <see cref="ToolArgument.Min"/> and <see cref="ToolArgument.Max"/>.</summary>
    Count,

    /// <summary>wallet_history's marker: an object or string of at most 4096 characters.</summary>
    Marker,

    /// <summary>true or false.</summary>
    Boolean,

    /// <summary>An approval id as approval_pending returned it.</summary>
    ApprovalId,

    /// <summary>A plain backup file name (Core's rule).</summary>
    FileName,

    /// <summary>An argument no longer accepted: always refused with the way to do it now (no tool parameter carries it).</summary>
    Retired,

    /// <summary>A paging marker the ledger client returned.</summary>
    PageMarker,

    /// <summary>A ledger object type the ledger client knows, or nft.</summary>
    ObjectType,
}

/// <summary>One argument of a tool as the pipeline validates it.</summary>
/// <param name="Name">The argument's name on the wire (the tool method's parameter name).</param>
/// <param name="Kind">The rule that checks and cleans it.</param>
/// <param name="Required">Whether a call must carry it (the method's parameter then has no default).</param>
/// <param name="Min">The smallest value a <see cref="ArgumentKind.Count"/> accepts.</param>
/// <param name="Max">The largest value a <see cref="ArgumentKind.Count"/> accepts.</param>
public sealed record ToolArgument(string Name, ArgumentKind Kind, bool Required = false, int Min = 0, int Max = 0);

/// <summary>
/// Everything the server needs to know about one tool, said once: from it come the catalog (class and rate tier), the
/// input validation, the published output schema and the audit entry of a refused or awaited approval. The tool's
/// method carries the same name in its <c>[McpServerTool]</c> attribute; <see cref="ToolDeclarations.Check"/> ties the
/// two at start-up.
/// </summary>
/// <param name="Name">The tool's name on the wire.</param>
/// <param name="Class">How much harm it can do; its method's ReadOnly and Destructive hints must agree.</param>
/// <param name="Tier">The rate-limit tier every call spends.</param>
/// <param name="ApprovalAudit">The audit event a declined or pending approval of this tool is written as; null: it never asks.</param>
/// <param name="Arguments">Its arguments, in the method's order.</param>
/// <param name="Output">The success shape of its structuredContent.</param>
public sealed record ToolDeclaration(
    string Name,
    ToolClass Class,
    RateTier Tier,
    AuditEventType? ApprovalAudit,
    IReadOnlyList<ToolArgument> Arguments,
    JsonObject Output)
{
    /// <summary>The argument called <paramref name="name"/>, or null when the tool has none by that name.</summary>
    public ToolArgument? Argument(string name) => Arguments.FirstOrDefault(argument => argument.Name == name);
}

/// <summary>
/// The one table of the tools this server offers (INTERFACES.md, docs/mcp.md). A tool not declared here is denied
/// before anything else runs, and a declared tool without a method (or a method without a declaration) stops the
/// server at start-up, so adding a method can never add an unguarded tool.
/// </summary>
public static class ToolDeclarations
{
    /// <summary>Every tool the server offers.</summary>
    public static IReadOnlyList<ToolDeclaration> All { get; } =
    [
        new("wallet_list", ToolClass.ReadOnly, RateTier.Standard, null, [Optional("network", ArgumentKind.Network)], Shape(("wallets", ArrayOf(Wallet())))),
        new(
            "wallet_balance",
            ToolClass.ReadOnly,
            RateTier.Standard,
            null,
            [Required("wallet", ArgumentKind.Wallet)],
            Shape(
                ("address", Text),
                ("balance_drops", Text),
                ("reserve_drops", Text),
                ("available_drops", Text),
                ("sequence", Int),
                ("ledger_index", Int))),
        new(
            "wallet_history",
            ToolClass.ReadOnly,
            RateTier.Standard,
            null,
            [Required("wallet", ArgumentKind.Wallet), Count("limit", 1, 200), Optional("marker", ArgumentKind.Marker)],
            Shape(("address", Text), ("transactions", ArrayOf(AnyObject)), ("marker", Any))),
        new(
            "tx_decode",
            ToolClass.ReadOnly,
            RateTier.Standard,
            null,
            [Required("tx_blob", ArgumentKind.Blob)],
            Shape(("tx_json", AnyObject), ("hash", OrNull(Text)), ("signed", Bool), ("memos", ArrayOf(Memo())))),
        new(
            "policy_check",
            ToolClass.ReadOnly,
            RateTier.Standard,
            null,
            [Required("wallet", ArgumentKind.Wallet), Required("tx", ArgumentKind.Transaction)],
            Shape(("decision", Decision()), ("reasons", ArrayOf(Reason())), ("effects", OrNull(AnyObject)), ("frozen", Frozen()))),
        new(
            "tx_status",
            ToolClass.ReadOnly,
            RateTier.Standard,
            null,
            [Required("hash", ArgumentKind.Hash)],
            Shape(("hash", Text), ("found", Bool), ("validated", Bool), ("result", OrNull(LedgerCode())), ("ledger_index", OrNull(Int)))),
        new(
            "audit_verify",
            ToolClass.ReadOnly,
            RateTier.Standard,
            null,
            [],
            Shape(
                ("ok", Bool),
                ("entries", Int),
                ("head_sequence", Int),
                ("first_bad_sequence", OrNull(Int)),
                ("problem", OrNull(Text)))),
        new(
            "server_status",
            ToolClass.ReadOnly,
            RateTier.Standard,
            null,
            [],
            WithOptional(
                Shape(
                ("network", Text),
                ("unlockers", ArrayOf(Shape(("slot", Int), ("kind", Text), ("hardware", Bool), ("healthy", Bool)))),
                ("lockout", Shape(("locked", Bool), ("locked_until", OrNull(Text)))),
                ("frozen", Frozen()),
                ("limits", Shape(
                    ("standard", Text),
                    ("strict", Text),
                    ("critical", Text),
                    ("concurrent_operations", Int),
                    ("timeout_seconds", Int),
                    ("max_request_bytes", Int))),
                ("approvals", Shape(("mode", Text), ("approvers", OrNull(Int)))),
                ("state_store", Text)),
                // Only when the vault has a PKCS#11 slot: the key types wallet_create's on_token can make on that token.
                ("on_token", Shape(
                    ("token", Text),
                    ("key_types", ArrayOf(Text)),
                    ("missing", ArrayOf(Shape(("key_type", Text), ("lacks", Text)))),
                    ("problem", OrNull(Text)))))),
        new(
            "wallet_lines",
            ToolClass.ReadOnly,
            RateTier.Standard,
            null,
            [Required("wallet", ArgumentKind.Wallet), PageLimit("limit"), Optional("marker", ArgumentKind.PageMarker)],
            Shape(
                ("address", Text),
                ("lines", ArrayOf(Shape(
                    ("account", Text),
                    ("currency", Text),
                    ("currency_text", OrNull(Untrusted())),
                    ("balance", Text),
                    ("limit", Text),
                    ("limit_peer", Text),
                    ("quality_in", Int),
                    ("quality_out", Int),
                    ("no_ripple", Bool),
                    ("no_ripple_peer", Bool),
                    ("authorized", Bool),
                    ("peer_authorized", Bool),
                    ("freeze", Bool),
                    ("freeze_peer", Bool)))),
                ("marker", OrNull(Text)))),
        new(
            "wallet_objects",
            ToolClass.ReadOnly,
            RateTier.Standard,
            null,
            [Required("wallet", ArgumentKind.Wallet), Optional("type", ArgumentKind.ObjectType), PageLimit("limit"), Optional("marker", ArgumentKind.PageMarker)],
            AnyOf(
                Shape(("address", Text), ("type", OrNull(Text)), ("objects", ArrayOf(AnyObject)), ("marker", OrNull(Text))),
                Shape(
                    ("address", Text),
                    ("type", Text),
                    ("nfts", ArrayOf(Shape(
                        ("nft_id", Text),
                        ("issuer", Text),
                        ("taxon", Int),
                        ("serial", Int),
                        ("flags", Int),
                        ("transfer_fee", OrNull(Int)),
                        ("uri", OrNull(Text)),
                        ("uri_text", OrNull(Untrusted()))))),
                    ("marker", OrNull(Text))))),
        new(
            "ledger_status",
            ToolClass.ReadOnly,
            RateTier.Standard,
            null,
            [],
            Shape(
                ("network", Text),
                ("network_id", OrNull(Int)),
                ("expected_network_id", OrNull(Int)),
                ("network_id_matches", OrNull(Bool)),
                ("server_state", Text),
                ("validated_ledger_index", Int),
                ("open_ledger_index", Int),
                ("base_fee_drops", Text),
                ("open_ledger_fee_drops", Text),
                ("reserve_base_drops", Text),
                ("reserve_increment_drops", Text))),

        // It changes the ledger (test XRP arrives, the account may be created) through another party's service, so it is
        // not read-only; it signs nothing and moves nothing out of a wallet, and the faucet bounds itself: standard tier.
        new(
            "wallet_fund",
            ToolClass.Sensitive,
            RateTier.Standard,
            null,
            [Required("wallet", ArgumentKind.Wallet)],
            Shape(
                ("address", Text),
                ("funded", Bool),
                ("amount_drops", OrNull(Text)),
                ("hash", OrNull(Text)),
                ("network", Text))),
        new(
            "wallet_create",
            ToolClass.Sensitive,
            RateTier.Strict,
            null,
            [Required("name", ArgumentKind.Name), Optional("key_type", ArgumentKind.KeyType), Optional("network", ArgumentKind.Network), Optional("on_token", ArgumentKind.Boolean)],
            WithOptional(Wallet(("public_key", Text)), ("on_token", Bool))),
        new(
            "tx_sign",
            ToolClass.Sensitive,
            RateTier.Strict,
            AuditEventType.TransactionSign,
            [
                Required("wallet", ArgumentKind.Wallet),
                Required("tx", ArgumentKind.Transaction),
                Optional("autofill", ArgumentKind.Boolean),
                Optional("submit", ArgumentKind.Boolean),
                Optional("wait", ArgumentKind.Boolean),
                Optional("approval_id", ArgumentKind.ApprovalId),
            ],
            WithOptional(
                Shape(("tx_blob", Text), ("hash", Text), ("decision", Decision()), ("warnings", ArrayOf(Text))),
                ("engine_result", OrNull(LedgerCode())),
                ("validated", Bool),
                ("ledger_index", OrNull(Int)),
                ("submit_error", Text))),
        new(
            "tx_submit",
            ToolClass.Sensitive,
            RateTier.Strict,
            null,
            [Required("tx_blob", ArgumentKind.Blob), Optional("wait", ArgumentKind.Boolean)],
            Submission()),
        new(
            "wallet_export",
            ToolClass.Destructive,
            RateTier.Critical,
            AuditEventType.WalletExport,
            [
                Required("wallet", ArgumentKind.Wallet),
                Optional("file_name", ArgumentKind.FileName),
                Optional("out_path", ArgumentKind.Retired),
                Optional("approval_id", ArgumentKind.ApprovalId),
            ],
            Shape(("path", Text), ("sha256", Text))),
        new(
            "wallet_delete",
            ToolClass.Destructive,
            RateTier.Critical,
            AuditEventType.WalletDelete,
            [Required("wallet", ArgumentKind.Wallet), Optional("approval_id", ArgumentKind.ApprovalId)],
            Shape(("deleted", Bool), ("address", Text), ("name", Text))),
    ];

    /// <summary>The declarations by tool name.</summary>
    public static FrozenDictionary<string, ToolDeclaration> ByName { get; } = All.ToFrozenDictionary(declaration => declaration.Name, StringComparer.Ordinal);

    /// <summary>The declaration of <paramref name="toolName"/>, or false for a tool the server does not offer.</summary>
    public static bool TryGet(string? toolName, out ToolDeclaration declaration)
    {
        if (toolName is not null && ByName.TryGetValue(toolName, out var found))
        {
            declaration = found;
            return true;
        }

        declaration = null!;
        return false;
    }

    /// <summary>
    /// Ties the declarations to the tool methods of <paramref name="toolTypes"/> (those with <c>[McpServerTool]</c>):
    /// every declaration has exactly one method and every method a declaration; each method's ReadOnly and Destructive
    /// hints agree with its class; its wire parameters are the declared arguments, with the same names, order,
    /// required-ness and types. Throws naming every mismatch, so a missed edit stops the server at start-up.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Every tool class is registered with WithTools<T>() (ServerHost), whose DynamicallyAccessedMembers keeps all its methods; a method the trimmer removed could not be served either.")]
    public static void Check(IEnumerable<Type> toolTypes, IReadOnlyList<ToolDeclaration>? declarations = null)
    {
        ArgumentNullException.ThrowIfNull(toolTypes);
        declarations ??= All;
        var problems = new List<string>();
        var declared = new Dictionary<string, ToolDeclaration>(StringComparer.Ordinal);
        foreach (var declaration in declarations)
        {
            if (!declared.TryAdd(declaration.Name, declaration))
            {
                problems.Add($"{declaration.Name}: declared twice");
            }
        }

        var served = new HashSet<string>(StringComparer.Ordinal);
        foreach (var method in toolTypes.SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static)))
        {
            if (method.GetCustomAttribute<McpServerToolAttribute>() is not { } attribute)
            {
                continue;
            }

            var name = attribute.Name ?? method.Name;
            if (!served.Add(name))
            {
                problems.Add($"{name}: two methods serve it");
            }

            if (!declared.TryGetValue(name, out var declaration))
            {
                problems.Add($"{name}: {method.DeclaringType?.Name}.{method.Name} has no declaration in ToolDeclarations");
                continue;
            }

            if (attribute.ReadOnly != (declaration.Class == ToolClass.ReadOnly) || attribute.Destructive != (declaration.Class == ToolClass.Destructive))
            {
                problems.Add($"{name}: the attribute's ReadOnly={attribute.ReadOnly} Destructive={attribute.Destructive} disagree with class {declaration.Class}");
            }

            var parameters = method.GetParameters().Where(parameter => !IsBound(parameter.ParameterType)).ToList();
            var arguments = declaration.Arguments.Where(argument => argument.Kind != ArgumentKind.Retired).ToList();
            var wire = string.Join(", ", parameters.Select(parameter => $"{parameter.Name}{(parameter.HasDefaultValue ? "?" : string.Empty)}:{ParameterTypeName(Unwrap(parameter.ParameterType))}"));
            var expected = string.Join(", ", arguments.Select(argument => $"{argument.Name}{(argument.Required ? string.Empty : "?")}:{ParameterTypeName(ParameterType(argument.Kind))}"));
            if (wire != expected)
            {
                problems.Add($"{name}: the method's parameters ({wire}) are not the declared arguments ({expected})");
            }
        }

        problems.AddRange(declared.Keys.Where(name => !served.Contains(name)).Select(name => $"{name}: declared but no [McpServerTool] method serves it"));
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("the tool declarations do not match the tool methods: " + string.Join("; ", problems));
        }
    }

    private static ToolArgument Required(string name, ArgumentKind kind) => new(name, kind, Required: true);

    private static ToolArgument Optional(string name, ArgumentKind kind) => new(name, kind);

    private static ToolArgument Count(string name, int min, int max) => new(name, ArgumentKind.Count, Min: min, Max: max);

    private static ToolArgument PageLimit(string name) => Count(name, LedgerClient.MinPageLimit, InputValidator.MaxPageLimit);

    /// <summary>Parameters the SDK or the pipeline fills, never the agent (so not in the inputSchema).</summary>
    private static bool IsBound(Type type) =>
        type == typeof(CancellationToken)
        || type == typeof(ModelContextProtocol.Server.McpServer)
        || type == typeof(ToolCall)
        || type == typeof(RequestContext<ModelContextProtocol.Protocol.CallToolRequestParams>)
        || type == typeof(IServiceProvider);

    /// <summary>The .NET type the tool method takes an argument of this kind as.</summary>
    private static Type ParameterType(ArgumentKind kind) => kind switch
    {
        ArgumentKind.Count => typeof(int),
        ArgumentKind.Boolean => typeof(bool),
        ArgumentKind.Transaction => typeof(JsonObject),
        ArgumentKind.Marker => typeof(JsonNode),
        _ => typeof(string),
    };

    private static Type Unwrap(Type type) => System.Nullable.GetUnderlyingType(type) ?? type;

    private static string ParameterTypeName(Type type) => type.Name;
}
