using System.Collections.Frozen;
using System.Text.Json;

namespace HsmWallet.Core.Xrpl.Codec.Definitions;

/// <summary>
/// The field table, loaded once from the embedded definitions.json (rippled's server_definitions),
/// so supporting a new amendment's fields is a data refresh, not a code change.
/// </summary>
internal sealed class XrplDefinitions
{
    private const string ResourceName = "HsmWallet.Core.Xrpl.definitions.json";

    // The reference prints these 64-bit fields in decimal: they count tokens, and people read them.
    private static readonly FrozenSet<string> DecimalUInt64Fields = FrozenSet.ToFrozenSet(
        ["MaximumAmount", "OutstandingAmount", "MPTAmount", "LockedAmount", "ConfidentialOutstandingAmount"],
        StringComparer.Ordinal);

    // Delegable permissions that are not whole transaction types; the reference hard-codes them too.
    private static readonly KeyValuePair<string, long>[] GranularPermissions =
    [
        new("TrustlineAuthorize", 65537),
        new("TrustlineFreeze", 65538),
        new("TrustlineUnfreeze", 65539),
        new("AccountDomainSet", 65540),
        new("AccountEmailHashSet", 65541),
        new("AccountMessageKeySet", 65542),
        new("AccountTransferRateSet", 65543),
        new("AccountTickSizeSet", 65544),
        new("PaymentMint", 65545),
        new("PaymentBurn", 65546),
        new("MPTokenIssuanceLock", 65547),
        new("MPTokenIssuanceUnlock", 65548),
    ];

    private static readonly Lazy<XrplDefinitions> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    private XrplDefinitions(
        FrozenDictionary<string, FieldDefinition> fieldsByName,
        FrozenDictionary<int, FieldDefinition> fieldsByOrdinal,
        FrozenDictionary<string, int> typeCodes,
        EnumeratedValues transactionTypes,
        EnumeratedValues ledgerEntryTypes,
        EnumeratedValues transactionResults,
        EnumeratedValues permissions,
        FrozenDictionary<string, FrozenSet<string>> transactionFormats)
    {
        TransactionFormats = transactionFormats;
        FieldsByName = fieldsByName;
        FieldsByOrdinal = fieldsByOrdinal;
        TypeCodes = typeCodes;
        TransactionTypes = transactionTypes;
        LedgerEntryTypes = ledgerEntryTypes;
        TransactionResults = transactionResults;
        Permissions = permissions;
        ObjectEndMarker = fieldsByName["ObjectEndMarker"];
        ArrayEndMarker = fieldsByName["ArrayEndMarker"];
        SourceTag = fieldsByName["SourceTag"];
        DestinationTag = fieldsByName["DestinationTag"];
    }

    /// <summary>The table, loaded on first use and shared by every call after.</summary>
    public static XrplDefinitions Instance => Loaded.Value;

    /// <summary>Every field by JSON name.</summary>
    public FrozenDictionary<string, FieldDefinition> FieldsByName { get; }

    /// <summary>Serialized fields by (type code &lt;&lt; 16 | nth), for decoding headers.</summary>
    public FrozenDictionary<int, FieldDefinition> FieldsByOrdinal { get; }

    /// <summary>Type codes by type name.</summary>
    public FrozenDictionary<string, int> TypeCodes { get; }

    /// <summary>TransactionType names and codes.</summary>
    public EnumeratedValues TransactionTypes { get; }

    /// <summary>LedgerEntryType names and codes.</summary>
    public EnumeratedValues LedgerEntryTypes { get; }

    /// <summary>TransactionResult names and codes.</summary>
    public EnumeratedValues TransactionResults { get; }

    /// <summary>PermissionValue names and codes: granular permissions and transaction types plus one.</summary>
    public EnumeratedValues Permissions { get; }

    /// <summary>
    /// The fields each transaction type may carry (TRANSACTION_FORMATS), with the fields every transaction may carry
    /// under the key "common"; empty when the table predates formats, so nothing is taken as known by default.
    /// </summary>
    public FrozenDictionary<string, FrozenSet<string>> TransactionFormats { get; }

    /// <summary>The field whose header (0xE1) ends a nested object.</summary>
    public FieldDefinition ObjectEndMarker { get; }

    /// <summary>The field whose header (0xF1) ends an array.</summary>
    public FieldDefinition ArrayEndMarker { get; }

    /// <summary>Where an Account X-address's tag goes.</summary>
    public FieldDefinition SourceTag { get; }

    /// <summary>Where a Destination X-address's tag goes.</summary>
    public FieldDefinition DestinationTag { get; }

    /// <summary>Parses a definitions document; visible to tests so a refreshed table can be checked before it is embedded.</summary>
    internal static XrplDefinitions Parse(Stream json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;

        var typeCodes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var type in root.GetProperty("TYPES").EnumerateObject())
        {
            typeCodes[type.Name] = type.Value.GetInt32();
        }

        var byName = new Dictionary<string, FieldDefinition>(StringComparer.Ordinal);
        var byOrdinal = new Dictionary<int, FieldDefinition>();
        foreach (var row in root.GetProperty("FIELDS").EnumerateArray())
        {
            var name = row[0].GetString() ?? throw new InvalidDataException("A field without a name.");
            var info = row[1];
            var typeName = info.GetProperty("type").GetString() ?? throw new InvalidDataException($"{name} has no type.");
            var (kind, width) = KindOf(name, typeName);
            var field = new FieldDefinition(
                name,
                typeName,
                typeCodes.TryGetValue(typeName, out var code) ? code : -1,
                info.GetProperty("nth").GetInt32(),
                info.GetProperty("isVLEncoded").GetBoolean(),
                info.GetProperty("isSerialized").GetBoolean(),
                info.GetProperty("isSigningField").GetBoolean(),
                kind,
                width);
            byName.TryAdd(name, field);
            if (field.IsSerialized && field.Header.Length > 0)
            {
                byOrdinal.TryAdd(field.Ordinal, field);
            }
        }

        var transactionTypes = ReadEnumeration(root, "TRANSACTION_TYPES");
        var permissions = GranularPermissions.Concat(
            transactionTypes.Where(pair => pair.Value >= 0).Select(pair => new KeyValuePair<string, long>(pair.Key, pair.Value + 1)));
        return new XrplDefinitions(
            byName.ToFrozenDictionary(StringComparer.Ordinal),
            byOrdinal.ToFrozenDictionary(),
            typeCodes.ToFrozenDictionary(StringComparer.Ordinal),
            new EnumeratedValues(transactionTypes),
            new EnumeratedValues(ReadEnumeration(root, "LEDGER_ENTRY_TYPES")),
            new EnumeratedValues(ReadEnumeration(root, "TRANSACTION_RESULTS")),
            new EnumeratedValues(permissions),
            ReadFormats(root));
    }

    private static FrozenDictionary<string, FrozenSet<string>> ReadFormats(JsonElement root)
    {
        if (!root.TryGetProperty("TRANSACTION_FORMATS", out var formats) || formats.ValueKind != JsonValueKind.Object)
        {
            return FrozenDictionary<string, FrozenSet<string>>.Empty;
        }

        return formats.EnumerateObject().ToFrozenDictionary(
            format => format.Name,
            format => format.Value.EnumerateArray()
                .Select(field => field.GetProperty("name").GetString() ?? throw new InvalidDataException(format.Name + " lists a field without a name."))
                .ToFrozenSet(StringComparer.Ordinal),
            StringComparer.Ordinal);
    }

    private static XrplDefinitions Load()
    {
        using var stream = typeof(XrplDefinitions).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        return Parse(stream);
    }

    private static List<KeyValuePair<string, long>> ReadEnumeration(JsonElement root, string name) =>
        [.. root.GetProperty(name).EnumerateObject().Select(entry => new KeyValuePair<string, long>(entry.Name, entry.Value.GetInt64()))];

    private static (FieldKind Kind, int Width) KindOf(string name, string typeName)
    {
        switch (name)
        {
            case "TransactionType":
                return (FieldKind.TransactionType, 0);
            case "LedgerEntryType":
                return (FieldKind.LedgerEntryType, 0);
            case "TransactionResult":
                return (FieldKind.TransactionResult, 0);
            case "PermissionValue":
                return (FieldKind.PermissionValue, 0);
            case "ObjectEndMarker":
            case "ArrayEndMarker":
                return (FieldKind.Unsupported, 0);
        }

        return typeName switch
        {
            "UInt8" => (FieldKind.UInt8, 0),
            "UInt16" => (FieldKind.UInt16, 0),
            "UInt32" => (FieldKind.UInt32, 0),
            "UInt64" => (DecimalUInt64Fields.Contains(name) ? FieldKind.UInt64Decimal : FieldKind.UInt64Hex, 0),
            "Int32" => (FieldKind.Int32, 0),
            "Int64" => (FieldKind.Int64, 0),
            "Hash128" => (FieldKind.FixedHex, 16),
            "Hash160" => (FieldKind.FixedHex, 20),
            "Hash192" => (FieldKind.FixedHex, 24),
            "Hash256" => (FieldKind.FixedHex, 32),
            "Hash384" => (FieldKind.FixedHex, 48),
            "Hash512" => (FieldKind.FixedHex, 64),
            "UInt96" => (FieldKind.FixedHex, 12),
            "Blob" => (FieldKind.Blob, 0),
            "AccountID" => (FieldKind.AccountId, 0),
            "Amount" => (FieldKind.Amount, 0),
            "Currency" => (FieldKind.Currency, 0),
            "Issue" => (FieldKind.Issue, 0),
            "Number" => (FieldKind.Number, 0),
            "PathSet" => (FieldKind.PathSet, 0),
            "Vector256" => (FieldKind.Vector256, 0),
            "STObject" => (FieldKind.StObject, 0),
            "STArray" => (FieldKind.StArray, 0),
            "XChainBridge" => (FieldKind.XChainBridge, 0),
            _ => (FieldKind.Unsupported, 0),
        };
    }
}
