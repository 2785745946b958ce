using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Amounts;
using HsmWallet.Core.Xrpl.Codec.Types;

namespace HsmWallet.Core.Policy;

/// <summary>
/// How much of each asset one transaction can move, as the effect model (Effects/EffectReader) counted it: per
/// asset the largest of the outflow fields, plus what referenced ledger objects and inner transactions move, plus
/// the Fee in XRP.
/// </summary>
public sealed class TransactionValue
{
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

    /// <summary>Builds a value from what the effect model counted: XRP in drops without the fee, the fee, and tokens.</summary>
    internal static TransactionValue Create(ulong xrpDropsWithoutFee, ulong feeDrops, IReadOnlyDictionary<string, decimal> tokens) =>
        new(checked(xrpDropsWithoutFee + feeDrops), feeDrops, tokens);

    /// <summary>Reads one amount (a string of drops, or an issued-currency, XRP or MPT object); throws naming the field on bad input.</summary>
    internal static (string Key, decimal Quantity, ulong Drops) ReadAmount(JsonNode node, string field)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            var drops = XrpAmount.ParseDrops(value.GetValue<string>(), field, allowZero: true).Drops;
            return (AssetKey.Xrp, drops / (decimal)XrpAmount.DropsPerXrp, drops);
        }

        if (node is not JsonObject amount)
        {
            throw new InvalidInputException(field, "amount must be a string of drops or an object");
        }

        var (key, quantity) = ReadToken(amount, field);
        return key == AssetKey.Xrp ? (key, quantity, checked((ulong)(quantity * XrpAmount.DropsPerXrp))) : (key, quantity, 0UL);
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
