using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Amounts;
using HsmWallet.Core.Xrpl.Codec.Definitions;
using HsmWallet.Core.Xrpl.Codec.Types;

namespace HsmWallet.Core.Policy;

/// <summary>
/// How much of each asset one transaction can move: for every asset, the largest amount any
/// value-moving field names (Amount, SendMax, DeliverMin, TakerGets, TakerPays, AMM and escrow and
/// channel amounts...), plus the Fee in XRP. Every Amount-typed field counts except a trust line's
/// LimitAmount, so a new transaction type cannot slip value past the counters as zero.
/// </summary>
public sealed class TransactionValue
{
    private static readonly FrozenSet<string> ValueFields = XrplDefinitions.Instance.FieldsByName.Values
        .Where(field => field.TypeName == "Amount" && field.Name is not "Fee" and not "LimitAmount")
        .Select(field => field.Name)
        .ToFrozenSet(StringComparer.Ordinal);

    private TransactionValue(ulong xrpDrops, ulong feeDrops, IReadOnlyDictionary<string, decimal> tokens)
    {
        XrpDrops = xrpDrops;
        FeeDrops = feeDrops;
        Tokens = tokens;
    }

    /// <summary>XRP the transaction can move, in drops, including the Fee.</summary>
    public ulong XrpDrops { get; }

    /// <summary>The Fee alone, in drops.</summary>
    public ulong FeeDrops { get; }

    /// <summary>Issued-currency and MPT amounts by <see cref="AssetKey"/>, exact decimals.</summary>
    public IReadOnlyDictionary<string, decimal> Tokens { get; }

    /// <summary>The amount of one asset by its key (XRP in XRP, not drops), zero when absent.</summary>
    public decimal AmountOf(string assetKey) =>
        assetKey == AssetKey.Xrp ? XrpDrops / (decimal)XrpAmount.DropsPerXrp
        : Tokens.TryGetValue(assetKey, out var value) ? value : 0m;

    /// <summary>Reads every value-moving field of an XRPL JSON transaction; throws on any unreadable amount.</summary>
    public static TransactionValue Of(JsonObject transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ulong xrpMax = 0;
        var tokens = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (name, node) in transaction)
        {
            if (node is null || !ValueFields.Contains(name))
            {
                continue;
            }

            if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
            {
                var drops = XrpAmount.ParseDrops(value.GetValue<string>(), name, allowZero: true).Drops;
                xrpMax = Math.Max(xrpMax, drops);
                continue;
            }

            if (node is not JsonObject amount)
            {
                throw new InvalidInputException(name, "amount must be a string of drops or an object");
            }

            var (key, quantity) = ReadToken(amount, name);
            if (key == AssetKey.Xrp)
            {
                xrpMax = Math.Max(xrpMax, checked((ulong)(quantity * XrpAmount.DropsPerXrp)));
                continue;
            }

            tokens[key] = tokens.TryGetValue(key, out var previous) ? Math.Max(previous, quantity) : quantity;
        }

        var fee = transaction["Fee"] is JsonNode feeNode
            ? XrpAmount.ParseDrops(feeNode.GetValue<string>(), "Fee", allowZero: true).Drops
            : 0UL;
        return new TransactionValue(checked(xrpMax + fee), fee, tokens);
    }

    private static (string Key, decimal Quantity) ReadToken(JsonObject amount, string field)
    {
        var valueText = amount["value"]?.GetValue<string>() ?? throw new InvalidInputException(field + ".value", "is required");
        if (amount["mpt_issuance_id"] is JsonNode issuance)
        {
            var mpt = MptAmount.Parse(issuance.GetValue<string>(), valueText, field);
            return (AssetKey.Mpt(mpt.IssuanceIdText()), Math.Abs((decimal)mpt.Value));
        }

        var currency = amount["currency"]?.GetValue<string>() ?? throw new InvalidInputException(field + ".currency", "is required");
        if (currency == "XRP" && amount["issuer"] is null)
        {
            return (AssetKey.Xrp, XrpAmount.ParseXrp(valueText, field).Drops / (decimal)XrpAmount.DropsPerXrp);
        }

        var issuerText = amount["issuer"]?.GetValue<string>() ?? throw new InvalidInputException(field + ".issuer", "is required");
        var issuer = AddressCache.Parse(issuerText, field + ".issuer", out var tag);
        if (tag is not null || !issuerText.StartsWith('r'))
        {
            throw new InvalidInputException(field + ".issuer", "must be a classic address");
        }

        var issued = IssuedCurrencyAmount.Parse(valueText, currency, issuer, field);

        // A classic address that parses is already its one canonical spelling.
        return (issued.Currency.ToString() + "/" + issuerText, Math.Abs(ToDecimal(issued.Value, field)));
    }

    /// <summary>
    /// Converts a ledger decimal to System.Decimal exactly; magnitudes beyond decimal's range throw
    /// (the evaluator denies), and values finer than 10^-28 round up so nothing counts as zero.
    /// </summary>
    internal static decimal ToDecimal(IssuedValue value, string field)
    {
        if (value.IsZero)
        {
            return 0m;
        }

        var mantissa = value.Mantissa;
        var exponent = value.Exponent;
        decimal result;
        if (exponent >= 0)
        {
            try
            {
                result = mantissa;
                for (var i = 0; i < exponent; i++)
                {
                    result = checked(result * 10m);
                }
            }
            catch (OverflowException exception)
            {
                throw new InvalidInputException(field, "amount is too large for the policy's counters", exception);
            }
        }
        else
        {
            var scale = -exponent;
            while (scale > 28)
            {
                var remainder = mantissa % 10;
                mantissa /= 10;
                if (remainder != 0 || mantissa == 0)
                {
                    mantissa++;
                }

                scale--;
            }

            result = new decimal((int)(mantissa & 0xFFFF_FFFF), (int)(mantissa >> 32), 0, false, (byte)scale);
        }

        return value.IsNegative ? -result : result;
    }
}
