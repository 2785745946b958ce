using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Amounts;
using HsmWallet.Core.Xrpl.Codec.Definitions;

namespace HsmWallet.Core.Policy;

/// <summary>
/// Checks one rules object of a policy file and rewrites it in its one canonical spelling, then
/// compiles the canonical form; every error names the field path and the rule it broke.
/// </summary>
internal static class PolicyRulesReader
{
    /// <summary>How long a memo pattern may run before the evaluation denies.</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    private static readonly FrozenSet<string> Known = new[]
    {
        "allowed_transaction_types", "blocked_transaction_types", "max_per_transaction", "max_hourly_volume",
        "max_daily_volume", "max_transactions_per_hour", "max_transactions_per_day", "max_new_destinations_per_day",
        "new_destination_requires_approval", "destination_allowlist", "destination_blocklist",
        "destinations_requiring_tag", "max_fee", "blocked_memo_patterns", "active_hours_utc", "unlisted_assets_require_approval",
        "approval_quorum", "delay",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Validates and canonicalizes a rules object found at <paramref name="path"/>.</summary>
    public static JsonObject Normalize(JsonNode? node, string path)
    {
        if (node is not JsonObject rules)
        {
            throw new InvalidInputException(path, "must be an object");
        }

        var result = new JsonObject();
        foreach (var (name, value) in rules.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            var field = path + "." + name;
            if (!Known.Contains(name))
            {
                throw new InvalidInputException(field, "is not a policy rule");
            }

            result[name] = name switch
            {
                "allowed_transaction_types" or "blocked_transaction_types" => TransactionTypes(value, field),
                "max_per_transaction" or "max_hourly_volume" or "max_daily_volume" => AssetLimits(value, field),
                "max_transactions_per_hour" or "max_transactions_per_day" or "max_new_destinations_per_day" => Count(value, field),
                "new_destination_requires_approval" or "unlisted_assets_require_approval" => Boolean(value, field),
                "destination_allowlist" or "destination_blocklist" or "destinations_requiring_tag" => Addresses(value, field),
                "max_fee" => JsonValue.Create(XrpAmount.ParseXrp(Text(value, field), field).ToXrpString()),
                "blocked_memo_patterns" => Patterns(value, field),
                "approval_quorum" => Quorum(value, field),
                "delay" => Delay(value, field),
                _ => ActiveHours(value, field),
            };
        }

        return result;
    }

    /// <summary>Builds the evaluation form of canonical rules.</summary>
    public static PolicyRules Compile(JsonObject rules)
    {
        var hours = rules["active_hours_utc"] as JsonObject;
        return new PolicyRules
        {
            AllowedTransactionTypes = rules["allowed_transaction_types"] is JsonArray allowed ? Strings(allowed).ToFrozenSet(StringComparer.Ordinal) : null,
            BlockedTransactionTypes = Strings(rules["blocked_transaction_types"]).ToFrozenSet(StringComparer.Ordinal),
            MaxPerTransaction = Limits(rules["max_per_transaction"]),
            MaxHourlyVolume = Limits(rules["max_hourly_volume"]),
            MaxDailyVolume = Limits(rules["max_daily_volume"]),
            MaxTransactionsPerHour = rules["max_transactions_per_hour"]?.GetValue<int>(),
            MaxTransactionsPerDay = rules["max_transactions_per_day"]?.GetValue<int>(),
            MaxNewDestinationsPerDay = rules["max_new_destinations_per_day"]?.GetValue<int>(),
            NewDestinationRequiresApproval = rules["new_destination_requires_approval"]?.GetValue<bool>() ?? false,
            UnlistedAssetsRequireApproval = rules["unlisted_assets_require_approval"]?.GetValue<bool>() ?? false,
            DestinationAllowlist = Strings(rules["destination_allowlist"]).ToFrozenSet(StringComparer.Ordinal),
            DestinationBlocklist = Strings(rules["destination_blocklist"]).ToFrozenSet(StringComparer.Ordinal),
            DestinationsRequiringTag = Strings(rules["destinations_requiring_tag"]).ToFrozenSet(StringComparer.Ordinal),
            MaxFeeDrops = rules["max_fee"] is JsonNode fee ? XrpAmount.ParseXrp(fee.GetValue<string>(), "max_fee").Drops : null,
            BlockedMemoPatterns = Strings(rules["blocked_memo_patterns"])
                .Select(pattern => new Regex(pattern, RegexOptions.CultureInvariant, RegexTimeout)).ToArray(),
            ActiveHoursUtc = hours is null ? null : (hours["start"]!.GetValue<int>(), hours["end"]!.GetValue<int>()),
            ApprovalQuorum = rules["approval_quorum"] is JsonObject quorum ? (quorum["approvers"]!.GetValue<int>(), Limits(quorum["above"])) : null,
            SigningDelay = rules["delay"] is JsonObject delay ? (TimeSpan.FromMinutes(delay["minutes"]!.GetValue<int>()), Limits(delay["above"])) : null,
        };
    }

    private static IEnumerable<string> Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(item => item!.GetValue<string>()) : [];

    private static FrozenDictionary<string, decimal> Limits(JsonNode? node) =>
        node is JsonObject map
            ? map.ToFrozenDictionary(pair => pair.Key, pair => decimal.Parse(pair.Value!.GetValue<string>(), NumberStyles.Number, CultureInfo.InvariantCulture), StringComparer.Ordinal)
            : FrozenDictionary<string, decimal>.Empty;

    private static string Text(JsonNode? node, string field) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : throw new InvalidInputException(field, "must be a string");

    private static JsonArray StringList(JsonNode? node, string field, Func<string, string, string> normalize)
    {
        if (node is not JsonArray array)
        {
            throw new InvalidInputException(field, "must be an array of strings");
        }

        var items = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < array.Count; i++)
        {
            var itemField = field + "[" + i.ToString(CultureInfo.InvariantCulture) + "]";
            items.Add(normalize(Text(array[i], itemField), itemField));
        }

        return new JsonArray(items.Select(item => (JsonNode?)JsonValue.Create(item)).ToArray());
    }

    private static JsonArray TransactionTypes(JsonNode? node, string field) =>
        StringList(node, field, (text, itemField) => XrplDefinitions.Instance.TransactionTypes.TryGetCode(text, out _)
            ? text
            : throw new InvalidInputException(itemField, "is not a known transaction type"));

    private static JsonArray Addresses(JsonNode? node, string field) =>
        StringList(node, field, (text, itemField) => AccountId.ParseClassic(text, itemField).ToClassicAddress());

    private static JsonArray Patterns(JsonNode? node, string field) =>
        StringList(node, field, (text, itemField) =>
        {
            try
            {
                _ = new Regex(text, RegexOptions.CultureInvariant, RegexTimeout);
                return text;
            }
            catch (ArgumentException exception)
            {
                throw new InvalidInputException(itemField, "must be a valid .NET regular expression", exception);
            }
        });

    private static JsonObject AssetLimits(JsonNode? node, string field)
    {
        if (node is not JsonObject map)
        {
            throw new InvalidInputException(field, "must be an object of asset to amount");
        }

        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (asset, value) in map)
        {
            var itemField = field + "." + asset;
            var key = AssetKey.Normalize(asset, itemField);
            var text = Text(value, itemField);
            string canonical;
            if (key == AssetKey.Xrp)
            {
                canonical = XrpAmount.ParseXrp(text, itemField).ToXrpString();
            }
            else if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                throw new InvalidInputException(itemField, "must be a non-negative decimal amount");
            }
            else
            {
                canonical = (amount / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);
            }

            if (!result.TryAdd(key, canonical))
            {
                throw new InvalidInputException(itemField, "names an asset already limited");
            }
        }

        var json = new JsonObject();
        foreach (var (key, canonical) in result)
        {
            json[key] = canonical;
        }

        return json;
    }

    private static JsonValue Count(JsonNode? node, string field) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<int>(out var count) && count >= 0
            ? JsonValue.Create(count)
            : throw new InvalidInputException(field, "must be a whole number from 0");

    private static JsonValue Boolean(JsonNode? node, string field) =>
        node is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? JsonValue.Create(value.GetValue<bool>())
            : throw new InvalidInputException(field, "must be true or false");

    /// <summary>The most minutes a delay may last (a day): longer, and a vetoable wait stops being one anyone watches.</summary>
    private const int MaximumDelayMinutes = 24 * 60;

    private static JsonObject Quorum(JsonNode? node, string field)
    {
        if (node is not JsonObject quorum || quorum.Any(pair => pair.Key is not "approvers" and not "above"))
        {
            throw new InvalidInputException(field, "must be an object with approvers and, optionally, above");
        }

        var approvers = Count(quorum["approvers"], field + ".approvers").GetValue<int>();
        if (approvers is < 1 or > Approvals.PasskeyApproverStore.MaximumApprovers)
        {
            throw new InvalidInputException(field + ".approvers", "must be from 1 to " + Approvals.PasskeyApproverStore.MaximumApprovers.ToString(CultureInfo.InvariantCulture) + " (the most approvers a vault holds)");
        }

        var result = new JsonObject { ["approvers"] = approvers };
        if (quorum["above"] is not null)
        {
            result["above"] = AssetLimits(quorum["above"], field + ".above");
        }

        return result;
    }

    private static JsonObject Delay(JsonNode? node, string field)
    {
        if (node is not JsonObject delay || delay.Any(pair => pair.Key is not "minutes" and not "above"))
        {
            throw new InvalidInputException(field, "must be an object with minutes and, optionally, above");
        }

        var minutes = Count(delay["minutes"], field + ".minutes").GetValue<int>();
        if (minutes is < 1 or > MaximumDelayMinutes)
        {
            throw new InvalidInputException(field + ".minutes", "must be from 1 to " + MaximumDelayMinutes.ToString(CultureInfo.InvariantCulture));
        }

        var result = new JsonObject { ["minutes"] = minutes };
        if (delay["above"] is not null)
        {
            result["above"] = AssetLimits(delay["above"], field + ".above");
        }

        return result;
    }

    private static JsonObject ActiveHours(JsonNode? node, string field)
    {
        if (node is not JsonObject hours || hours.Count != 2)
        {
            throw new InvalidInputException(field, "must be an object with start and end hours");
        }

        var start = Count(hours["start"], field + ".start").GetValue<int>();
        var end = Count(hours["end"], field + ".end").GetValue<int>();
        if (start > 23)
        {
            throw new InvalidInputException(field + ".start", "must be an hour from 0 to 23");
        }

        if (end is < 1 or > 24 || end == start)
        {
            throw new InvalidInputException(field + ".end", "must be an hour from 1 to 24 other than start");
        }

        return new JsonObject { ["start"] = start, ["end"] = end };
    }
}
