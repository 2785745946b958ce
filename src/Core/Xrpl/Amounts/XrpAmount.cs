using System.Globalization;

namespace HsmWallet.Core.Xrpl.Amounts;

/// <summary>
/// An amount of XRP held as whole drops (one millionth of an XRP), so a user's "1.5" becomes exactly
/// 1,500,000 drops with no floating point anywhere between what they typed and what is signed.
/// </summary>
public readonly struct XrpAmount : IEquatable<XrpAmount>, IComparable<XrpAmount>
{
    /// <summary>Drops in one XRP.</summary>
    public const ulong DropsPerXrp = 1_000_000;

    /// <summary>The total supply, 100,000,000,000 XRP: no real amount can be larger.</summary>
    public const ulong MaxDrops = 100_000_000_000 * DropsPerXrp;

    private const int MaxDecimals = 6;

    private XrpAmount(ulong drops) => Drops = drops;

    /// <summary>The amount in drops, the unit the ledger stores.</summary>
    public ulong Drops { get; }

    /// <summary>Wraps a drop count already known to be within the supply.</summary>
    public static XrpAmount FromDrops(ulong drops, string field)
    {
        if (drops > MaxDrops)
        {
            throw new InvalidInputException(field, "must not exceed 100000000000 XRP (the total supply)");
        }

        return new XrpAmount(drops);
    }

    /// <summary>
    /// Reads XRP as a person writes it ("12", "0.5", "1.000001"): digits with at most six decimals,
    /// no sign, no exponent, no hex, from one drop up to the total supply.
    /// </summary>
    /// <param name="xrp">The text to read.</param>
    /// <param name="field">Names the input in any error.</param>
    public static XrpAmount ParseXrp(string xrp, string field)
    {
        var text = CheckPlainDecimal(xrp, field);
        var point = text.IndexOf('.', StringComparison.Ordinal);
        var whole = point < 0 ? text : text[..point];
        var fraction = point < 0 ? string.Empty : text[(point + 1)..];
        if (point >= 0 && (whole.Length == 0 || fraction.Length == 0 || fraction.Contains('.', StringComparison.Ordinal)))
        {
            throw new InvalidInputException(field, "must be a plain decimal number such as 12 or 0.5");
        }

        if (fraction.Length > MaxDecimals)
        {
            throw new InvalidInputException(field, "must not have more than 6 decimal places");
        }

        whole = whole.TrimStart('0');
        if (whole.Length > 12)
        {
            throw new InvalidInputException(field, "must not exceed 100000000000 XRP (the total supply)");
        }

        var wholeXrp = whole.Length == 0 ? 0UL : ulong.Parse(whole, NumberStyles.None, CultureInfo.InvariantCulture);
        var fractionDrops = fraction.Length == 0
            ? 0UL
            : ulong.Parse(fraction.PadRight(MaxDecimals, '0'), NumberStyles.None, CultureInfo.InvariantCulture);
        var drops = (wholeXrp * DropsPerXrp) + fractionDrops;
        if (drops > MaxDrops)
        {
            throw new InvalidInputException(field, "must not exceed 100000000000 XRP (the total supply)");
        }

        if (drops == 0)
        {
            throw new InvalidInputException(field, "must be at least 1 drop (0.000001 XRP)");
        }

        return new XrpAmount(drops);
    }

    /// <summary>
    /// Reads a whole number of drops ("1000000"), the form the ledger's JSON uses; zero only where the
    /// caller allows it (a fee of zero, say), never silently.
    /// </summary>
    /// <param name="drops">The text to read.</param>
    /// <param name="field">Names the input in any error.</param>
    /// <param name="allowZero">True where zero drops is a meaningful amount.</param>
    public static XrpAmount ParseDrops(string drops, string field, bool allowZero = false)
    {
        var text = CheckPlainDecimal(drops, field);
        if (text.Contains('.', StringComparison.Ordinal))
        {
            throw new InvalidInputException(field, "must be a whole number of drops (no decimal point)");
        }

        var digits = text.TrimStart('0');
        if (digits.Length > 18)
        {
            throw new InvalidInputException(field, "must not exceed 100000000000 XRP (the total supply)");
        }

        var value = digits.Length == 0 ? 0UL : ulong.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        if (value > MaxDrops)
        {
            throw new InvalidInputException(field, "must not exceed 100000000000 XRP (the total supply)");
        }

        if (value == 0 && !allowZero)
        {
            throw new InvalidInputException(field, "must be at least 1 drop");
        }

        return new XrpAmount(value);
    }

    /// <summary>Shows the amount in XRP with no trailing zeros ("1.5", "0.000001"), the form people read.</summary>
    public string ToXrpString()
    {
        var whole = Drops / DropsPerXrp;
        var fraction = Drops % DropsPerXrp;
        if (fraction == 0)
        {
            return whole.ToString(CultureInfo.InvariantCulture);
        }

        var decimals = fraction.ToString("D6", CultureInfo.InvariantCulture).TrimEnd('0');
        return string.Create(CultureInfo.InvariantCulture, $"{whole}.{decimals}");
    }

    /// <summary>Shows the amount in drops, the form the ledger's JSON uses.</summary>
    public string ToDropsString() => Drops.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override string ToString() => ToXrpString();

    /// <inheritdoc />
    public bool Equals(XrpAmount other) => Drops == other.Drops;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is XrpAmount other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Drops.GetHashCode();

    /// <inheritdoc />
    public int CompareTo(XrpAmount other) => Drops.CompareTo(other.Drops);

    /// <summary>Compares by drops.</summary>
    public static bool operator ==(XrpAmount left, XrpAmount right) => left.Equals(right);

    /// <summary>Compares by drops.</summary>
    public static bool operator !=(XrpAmount left, XrpAmount right) => !left.Equals(right);

    /// <summary>Orders by drops.</summary>
    public static bool operator <(XrpAmount left, XrpAmount right) => left.Drops < right.Drops;

    /// <summary>Orders by drops.</summary>
    public static bool operator >(XrpAmount left, XrpAmount right) => left.Drops > right.Drops;

    /// <summary>Orders by drops.</summary>
    public static bool operator <=(XrpAmount left, XrpAmount right) => left.Drops <= right.Drops;

    /// <summary>Orders by drops.</summary>
    public static bool operator >=(XrpAmount left, XrpAmount right) => left.Drops >= right.Drops;

    /// <summary>
    /// Refuses, with a rule a person can act on, everything that is not digits and at most one point:
    /// empty text, spaces, signs, exponents and hex.
    /// </summary>
    private static string CheckPlainDecimal(string? text, string field)
    {
        if (string.IsNullOrEmpty(text))
        {
            throw new InvalidInputException(field, "must not be empty");
        }

        if (text.Length > DecimalText.MaxLength)
        {
            throw new InvalidInputException(field, "is too long to be an amount");
        }

        if (text[0] == '-')
        {
            throw new InvalidInputException(field, "must not be negative");
        }

        if (text[0] == '+')
        {
            throw new InvalidInputException(field, "must not have a sign");
        }

        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidInputException(field, "must be decimal, not hexadecimal");
        }

        foreach (var character in text)
        {
            if (char.IsWhiteSpace(character))
            {
                throw new InvalidInputException(field, "must not contain spaces");
            }

            if (character is 'e' or 'E')
            {
                throw new InvalidInputException(field, "must not use exponent notation");
            }

            if (!char.IsAsciiDigit(character) && character != '.')
            {
                throw new InvalidInputException(field, "must contain only digits and at most one decimal point");
            }
        }

        return text;
    }
}
