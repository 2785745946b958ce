using System.Buffers.Binary;
using System.Globalization;

namespace HsmWallet.Core.Xrpl.Amounts;

/// <summary>
/// The value of an issued-currency (IOU) amount in the ledger's canonical decimal form: a mantissa of
/// 16 significant digits (10^15 to 10^16 - 1) and an exponent from -96 to 80. Values that would need
/// rounding are refused rather than rounded, so what is signed is exactly what was asked for.
/// </summary>
public readonly struct IssuedValue : IEquatable<IssuedValue>
{
    /// <summary>The smallest exponent the ledger stores.</summary>
    public const int MinExponent = -96;

    /// <summary>The largest exponent the ledger stores.</summary>
    public const int MaxExponent = 80;

    /// <summary>The most significant digits a value can carry.</summary>
    public const int MaxSignificantDigits = 16;

    /// <summary>The smallest canonical mantissa.</summary>
    public const ulong MinMantissa = 1_000_000_000_000_000;

    /// <summary>The largest canonical mantissa.</summary>
    public const ulong MaxMantissa = 9_999_999_999_999_999;

    private const ulong NotNativeBit = 0x8000_0000_0000_0000;
    private const ulong PositiveBit = 0x4000_0000_0000_0000;
    private const ulong MantissaMask = 0x003F_FFFF_FFFF_FFFF;
    private const int ExponentBias = 97;

    private IssuedValue(ulong mantissa, int exponent, bool isNegative)
    {
        Mantissa = mantissa;
        Exponent = exponent;
        IsNegative = isNegative;
    }

    /// <summary>Zero, which the ledger stores with its own fixed bit pattern.</summary>
    public static IssuedValue Zero => default;

    /// <summary>The canonical mantissa, or 0 for zero.</summary>
    public ulong Mantissa { get; }

    /// <summary>The power of ten applied to <see cref="Mantissa"/>.</summary>
    public int Exponent { get; }

    /// <summary>True for values below zero (trust-line balances can be negative).</summary>
    public bool IsNegative { get; }

    /// <summary>True for zero.</summary>
    public bool IsZero => Mantissa == 0;

    /// <summary>
    /// Reads decimal text ("100", "-0.25", "1.5e-3") into the canonical form, refusing more than 16
    /// significant digits and magnitudes outside the ledger's range.
    /// </summary>
    /// <param name="text">The text to read.</param>
    /// <param name="field">Names the input in any error.</param>
    public static IssuedValue Parse(string text, string field)
    {
        if (string.IsNullOrEmpty(text))
        {
            throw new InvalidInputException(field, "value must not be empty");
        }

        if (!DecimalText.TryParse(text, out var parsed))
        {
            throw new InvalidInputException(field, "value must be a decimal number such as 12, -0.5 or 1.5e-3");
        }

        if (parsed.IsZero)
        {
            return Zero;
        }

        if (parsed.Digits.Length > MaxSignificantDigits)
        {
            throw new InvalidInputException(field, "value must not have more than 16 significant digits");
        }

        var scale = MaxSignificantDigits - parsed.Digits.Length;
        var mantissa = ulong.Parse(parsed.Digits, NumberStyles.None, CultureInfo.InvariantCulture) * PowerOfTen(scale);
        var exponent = parsed.Exponent - scale;
        if (exponent > MaxExponent)
        {
            throw new InvalidInputException(field, "value is too large for an issued currency (above 9999999999999999e80)");
        }

        if (exponent < MinExponent)
        {
            throw new InvalidInputException(field, "value is too small for an issued currency (below 1e-81)");
        }

        return new IssuedValue(mantissa, (int)exponent, parsed.IsNegative);
    }

    /// <summary>
    /// Reads the ledger's 8-byte form, refusing non-canonical encodings the ledger itself would refuse.
    /// </summary>
    /// <param name="bytes">Exactly 8 bytes.</param>
    /// <param name="field">Names the input in any error.</param>
    public static IssuedValue FromBytes(ReadOnlySpan<byte> bytes, string field)
    {
        if (bytes.Length != 8)
        {
            throw new InvalidInputException(field, "an issued value is 8 bytes");
        }

        var raw = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        if ((raw & NotNativeBit) == 0)
        {
            throw new InvalidInputException(field, "is not an issued-currency value");
        }

        if (raw == NotNativeBit)
        {
            return Zero;
        }

        var mantissa = raw & MantissaMask;
        var exponent = (int)((raw >> 54) & 0xFF) - ExponentBias;
        if (mantissa is < MinMantissa or > MaxMantissa || exponent is < MinExponent or > MaxExponent)
        {
            throw new InvalidInputException(field, "has a non-canonical issued-currency value");
        }

        return new IssuedValue(mantissa, exponent, (raw & PositiveBit) == 0);
    }

    /// <summary>Writes the ledger's 8-byte form.</summary>
    /// <param name="destination">At least 8 bytes.</param>
    public void WriteTo(Span<byte> destination)
    {
        var raw = NotNativeBit;
        if (!IsZero)
        {
            raw |= IsNegative ? 0 : PositiveBit;
            raw |= (ulong)(Exponent + ExponentBias) << 54;
            raw |= Mantissa;
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, raw);
    }

    /// <summary>
    /// The value as plain decimal text with no exponent and no trailing zeros ("1", "-0.25",
    /// "1230000"), the form the reference implementation prints.
    /// </summary>
    public override string ToString()
    {
        if (IsZero)
        {
            return "0";
        }

        var mantissa = Mantissa;
        var exponent = Exponent;
        while (mantissa % 10 == 0)
        {
            mantissa /= 10;
            exponent++;
        }

        var digits = mantissa.ToString(CultureInfo.InvariantCulture);
        var sign = IsNegative ? "-" : string.Empty;
        if (exponent >= 0)
        {
            return sign + digits + new string('0', exponent);
        }

        var pointPosition = digits.Length + exponent;
        return pointPosition > 0
            ? sign + digits[..pointPosition] + "." + digits[pointPosition..]
            : sign + "0." + new string('0', -pointPosition) + digits;
    }

    /// <inheritdoc />
    public bool Equals(IssuedValue other) =>
        Mantissa == other.Mantissa && Exponent == other.Exponent && IsNegative == other.IsNegative;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is IssuedValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Mantissa, Exponent, IsNegative);

    /// <summary>Compares canonical forms, which are unique per value.</summary>
    public static bool operator ==(IssuedValue left, IssuedValue right) => left.Equals(right);

    /// <summary>Compares canonical forms, which are unique per value.</summary>
    public static bool operator !=(IssuedValue left, IssuedValue right) => !left.Equals(right);

    private static ulong PowerOfTen(int power)
    {
        var result = 1UL;
        for (var i = 0; i < power; i++)
        {
            result *= 10;
        }

        return result;
    }
}
