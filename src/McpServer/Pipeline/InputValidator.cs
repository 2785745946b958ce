using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HsmWallet.Core;
using HsmWallet.Core.Ledger;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Amounts;
using HsmWallet.Core.Xrpl.Transactions;

namespace HsmWallet.McpServer.Pipeline;

/// <summary>
/// The spec's input validation for every tool argument, before any tool runs: unknown or missing fields,
/// types, length limits, control characters removed, address checksums, amount formats and ranges. Returns
/// the cleaned arguments the tool receives; bad input throws <see cref="InvalidInputException"/> naming the
/// field and the rule, never the value.
/// </summary>
public static partial class InputValidator
{
    /// <summary>The longest name or free text accepted.</summary>
    public const int MaxNameLength = 64;

    /// <summary>The longest path accepted.</summary>
    public const int MaxPathLength = 1024;

    /// <summary>The deepest nesting accepted in a transaction object.</summary>
    public const int MaxDepth = 12;

    /// <summary>The largest page of trust lines, objects or NFTs one call returns.</summary>
    public const int MaxPageLimit = 200;

    private const ulong MaxDrops = 100_000_000_000_000_000;

    private static readonly HashSet<string> AddressFields = new(StringComparer.Ordinal)
    {
        "Account", "Destination", "Issuer", "RegularKey", "Owner", "Authorize", "Unauthorize", "Holder", "Subject",
    };

    private static readonly HashSet<string> AmountFields = new(StringComparer.Ordinal)
    {
        "Amount", "SendMax", "DeliverMin", "DeliverMax", "LimitAmount", "TakerGets", "TakerPays", "Fee", "Amount2", "BidMin", "BidMax",
    };

    /// <summary>Validates and cleans the arguments of <paramref name="toolName"/> (a tool of <see cref="ToolDeclarations"/>).</summary>
    public static Dictionary<string, JsonElement> Validate(string toolName, IDictionary<string, JsonElement>? arguments)
    {
        if (!ToolDeclarations.TryGet(toolName, out var declaration))
        {
            throw new InvalidInputException("name", "is not a tool this server offers");
        }

        var cleaned = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (name, value) in arguments ?? new Dictionary<string, JsonElement>())
        {
            if (declaration.Argument(name) is not { } rule)
            {
                throw new InvalidInputException(Clean(name, MaxNameLength), "is not an argument of this tool");
            }

            if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            {
                continue;
            }

            // Half a surrogate pair ("\ud800") parses as JSON but cannot be read as text: refused here naming the field.
            JsonText.RefuseUndecodable(value, name);
            cleaned[name] = ToElement(ValidateValue(name, rule, value));
        }

        foreach (var rule in declaration.Arguments)
        {
            if (rule.Required && !cleaned.ContainsKey(rule.Name))
            {
                throw new InvalidInputException(rule.Name, "is required");
            }
        }

        return cleaned;
    }

    /// <summary>Removes control characters (C0, DEL, C1) and surrounding blanks, and cuts to <paramref name="maxLength"/>.</summary>
    public static string Clean(string text, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        foreach (var character in text)
        {
            if (!char.IsControl(character))
            {
                builder.Append(character);
            }
        }

        var trimmed = builder.ToString().Trim();
        return trimmed.Length <= maxLength ? trimmed : trimmed[..maxLength];
    }

    private static JsonElement ToElement(JsonNode? node)
    {
        using var document = JsonDocument.Parse(node?.ToJsonString() ?? "null");
        return document.RootElement.Clone();
    }

    private static JsonNode? ValidateValue(string field, ToolArgument rule, JsonElement value) => rule.Kind switch
    {
        ArgumentKind.Wallet => WalletReference(field, Text(field, value)),
        ArgumentKind.Name => Name(field, Text(field, value)),
        ArgumentKind.KeyType => OneOf(field, Text(field, value), "ed25519", "secp256k1"),
        ArgumentKind.Network => OneOf(field, Text(field, value), "mainnet", "testnet", "devnet"),
        ArgumentKind.Transaction => Transaction(field, value),
        ArgumentKind.Blob => Blob(field, Text(field, value)),
        ArgumentKind.Hash => HashText(field, Text(field, value)),
        ArgumentKind.Count => Count(field, value, rule.Min, rule.Max),
        ArgumentKind.Marker => Marker(field, value),
        ArgumentKind.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? JsonValue.Create(value.GetBoolean())
            : throw new InvalidInputException(field, "must be true or false"),
        ArgumentKind.ApprovalId => ApprovalId(field, Text(field, value)),
        ArgumentKind.FileName => BackupFileName(Text(field, value)),
        ArgumentKind.PageMarker => LedgerClient.IsPageMarker(Text(field, value))
            ? JsonValue.Create(Text(field, value))
            : throw new InvalidInputException(field, "must be the marker a previous call of this tool returned"),
        ArgumentKind.ObjectType => OneOf(field, Text(field, value), [.. LedgerClient.ObjectTypes, "nft"]),
        ArgumentKind.Retired => throw new InvalidInputException(field, "is no longer accepted: name the backup with file_name (a plain file name; exports always go to the home's backups/ folder)"),
        _ => throw new InvalidInputException(field, "has no validation rule"),
    };

    private static string Text(string field, JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new InvalidInputException(field, "must be a string");

    private static JsonValue WalletReference(string field, string raw)
    {
        var text = Clean(raw, MaxPathLength);
        if (text.Length == 0)
        {
            throw new InvalidInputException(field, "must not be empty");
        }

        if (ClassicAddressShape().IsMatch(text))
        {
            if (!AccountId.IsValidClassicAddress(text))
            {
                throw new InvalidInputException(field, "is not a valid classic address (checksum)");
            }

            return JsonValue.Create(text);
        }

        return Name(field, text);
    }

    private static JsonValue Name(string field, string raw)
    {
        var text = Clean(raw, int.MaxValue);
        if (text.Length == 0)
        {
            throw new InvalidInputException(field, "must not be empty");
        }

        if (text.Length > MaxNameLength)
        {
            throw new InvalidInputException(field, $"must be at most {MaxNameLength} characters");
        }

        return JsonValue.Create(text);
    }

    private static JsonValue OneOf(string field, string raw, params string[] allowed)
    {
        var text = Clean(raw, MaxNameLength);
        return allowed.Contains(text, StringComparer.Ordinal)
            ? JsonValue.Create(text)
            : throw new InvalidInputException(field, $"must be {string.Join(" or ", allowed)}");
    }

    private static JsonValue Blob(string field, string raw)
    {
        var text = raw.Trim();
        if (text.Length == 0 || text.Length % 2 != 0 || !HexText().IsMatch(text))
        {
            throw new InvalidInputException(field, "must be an even number of hex digits");
        }

        return JsonValue.Create(text);
    }

    private static JsonValue HashText(string field, string raw)
    {
        var text = raw.Trim();
        return text.Length == 64 && HexText().IsMatch(text)
            ? JsonValue.Create(text.ToUpperInvariant())
            : throw new InvalidInputException(field, "must be 64 hex digits");
    }

    private static JsonValue Count(string field, JsonElement value, int min, int max) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count) && count >= min && count <= max
            ? JsonValue.Create(count)
            : throw new InvalidInputException(field, $"must be a whole number from {min} to {max}");

    private static JsonNode Marker(string field, JsonElement value)
    {
        if (value.ValueKind is not (JsonValueKind.Object or JsonValueKind.String))
        {
            throw new InvalidInputException(field, "must be the marker a previous wallet_history call returned");
        }

        if (value.GetRawText().Length > 4096)
        {
            throw new InvalidInputException(field, "must be at most 4096 characters");
        }

        return JsonNode.Parse(value.GetRawText())!;
    }

    private static JsonValue ApprovalId(string field, string raw)
    {
        var text = raw.Trim();
        return text.Length is >= 1 and <= 64 && ApprovalIdText().IsMatch(text)
            ? JsonValue.Create(text)
            : throw new InvalidInputException(field, "must be an approval id as approval_pending returned it");
    }

    // The rule itself is Core's, so the store enforces it whatever the caller; no file system is looked at here.
    private static JsonValue BackupFileName(string raw)
    {
        Core.UseCases.WalletUseCases.CheckBackupFileName(raw);
        return JsonValue.Create(raw);
    }

    private static JsonObject Transaction(string field, JsonElement value)
    {
        var transaction = (JsonObject)CleanNode(field, TransactionJson.ParseObject(value, field), depth: 0)!;
        if (transaction["TransactionType"] is not JsonValue type || type.GetValueKind() != JsonValueKind.String)
        {
            throw new InvalidInputException($"{field}.TransactionType", "is required");
        }

        foreach (var name in new[] { "TxnSignature", "Signers" })
        {
            if (transaction.ContainsKey(name))
            {
                throw new InvalidInputException($"{field}.{name}", "must not be set; the server signs");
            }
        }

        CheckFields(field, transaction, depth: 0);
        return transaction;
    }

    private static JsonNode? CleanNode(string field, JsonNode? node, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidInputException(field, $"must be nested at most {MaxDepth} levels");
        }

        switch (node)
        {
            case JsonObject obj:
                var cleanedObject = new JsonObject();
                foreach (var (name, child) in obj)
                {
                    // A key that cleaning would change could become another field (or collide with one): refused, not merged.
                    if (Clean(name, MaxNameLength) != name)
                    {
                        throw new InvalidInputException(field, "has a key with control characters, blanks around it or over 64 characters; keys must be plain field names");
                    }

                    cleanedObject[name] = CleanNode(field, child, depth + 1);
                }

                return cleanedObject;
            case JsonArray array:
                var cleanedArray = new JsonArray();
                foreach (var child in array)
                {
                    cleanedArray.Add(CleanNode(field, child, depth + 1));
                }

                return cleanedArray;
            case JsonValue scalar when scalar.GetValueKind() == JsonValueKind.String:
                return JsonValue.Create(Clean(scalar.GetValue<string>(), 64 * 1024));
            default:
                return node?.DeepClone();
        }
    }

    private static void CheckFields(string path, JsonNode? node, int depth)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    var childPath = $"{path}.{name}";
                    if (AddressFields.Contains(name) && child is JsonValue address)
                    {
                        CheckAddress(childPath, address);
                    }
                    else if (AmountFields.Contains(name))
                    {
                        CheckAmount(childPath, child, isFee: name == "Fee");
                    }
                    else
                    {
                        CheckFields(childPath, child, depth + 1);
                    }
                }

                break;
            case JsonArray array:
                for (var index = 0; index < array.Count; index++)
                {
                    CheckFields($"{path}[{index}]", array[index], depth + 1);
                }

                break;
        }
    }

    private static void CheckAddress(string field, JsonValue value)
    {
        var text = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : throw new InvalidInputException(field, "must be a classic address string");
        if (XAddress.LooksLikeXAddress(text))
        {
            _ = XAddress.Decode(text, field);
            return;
        }

        if (!AccountId.IsValidClassicAddress(text))
        {
            throw new InvalidInputException(field, "is not a valid classic address (format or checksum)");
        }
    }

    private static void CheckAmount(string field, JsonNode? amount, bool isFee)
    {
        switch (amount)
        {
            case JsonValue drops when drops.GetValueKind() == JsonValueKind.String:
                var text = drops.GetValue<string>();
                if (!DropsText().IsMatch(text) || !ulong.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value))
                {
                    throw new InvalidInputException(field, "must be a whole number of drops as a string");
                }

                if ((!isFee && value < 1) || value > MaxDrops)
                {
                    throw new InvalidInputException(field, "must be from 1 drop to 100 billion XRP");
                }

                break;
            case JsonObject issued:
                if (issued["value"] is not JsonValue issuedValue || issuedValue.GetValueKind() != JsonValueKind.String)
                {
                    throw new InvalidInputException($"{field}.value", "is required as a decimal string");
                }

                _ = IssuedValue.Parse(issuedValue.GetValue<string>(), $"{field}.value");
                if (issued["issuer"] is JsonValue issuer)
                {
                    CheckAddress($"{field}.issuer", issuer);
                }

                if (issued["currency"] is JsonValue currency && currency.GetValueKind() == JsonValueKind.String)
                {
                    _ = CurrencyCode.Parse(currency.GetValue<string>(), $"{field}.currency");
                }
                else if (issued["mpt_issuance_id"] is null)
                {
                    throw new InvalidInputException($"{field}.currency", "is required");
                }

                break;
            default:
                throw new InvalidInputException(field, "must be drops as a string or an issued-currency object");
        }
    }

    [GeneratedRegex("^r[1-9A-HJ-NP-Za-km-z]{24,34}$", RegexOptions.CultureInvariant)]
    private static partial Regex ClassicAddressShape();

    [GeneratedRegex("^[0-9A-Fa-f]+$", RegexOptions.CultureInvariant)]
    private static partial Regex HexText();

    [GeneratedRegex("^[0-9]{1,20}$", RegexOptions.CultureInvariant)]
    private static partial Regex DropsText();

    [GeneratedRegex("^[A-Za-z0-9_-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ApprovalIdText();
}
