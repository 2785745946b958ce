using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Amounts;
using HsmWallet.Core.Xrpl.Codec.Binary;
using HsmWallet.Core.Xrpl.Codec.Definitions;
using HsmWallet.Core.Xrpl.Codec.Serialization;

namespace HsmWallet.Core.Xrpl.Codec.Types;

/// <summary>
/// Number (STNumber): an 8-byte signed mantissa and a 4-byte signed exponent, normalized as current
/// rippled does: 19 significant digits when that fits in a signed 64-bit integer, 18 when it does not,
/// rounding half to even. Zero is mantissa 0 with the smallest exponent.
/// </summary>
internal static class NumberCodec
{
    private const ulong MinMantissa = 1_000_000_000_000_000_000;
    private const ulong MaxMantissa = 9_999_999_999_999_999_999;
    private const ulong MaxRepresentable = long.MaxValue;
    private const int MinExponent = -32_768;
    private const int MaxExponent = 32_768;
    private const int ZeroExponent = int.MinValue;
    private const int MantissaDigits = 19;

    /// <summary>Writes a number given as decimal text ("12", "-0.5", "1.5e3").</summary>
    public static void Write(FieldDefinition field, JsonNode value, ByteSink sink)
    {
        var text = JsonInput.String(value, field.Name, "must be a number written as a string, such as \"12.5\" or \"1e20\"");
        if (!DecimalText.TryParse(text, out var parsed))
        {
            throw new InvalidInputException(field.Name, "must be a decimal number such as 12, -0.5 or 1.5e3");
        }

        var (mantissa, exponent) = Normalize(parsed, field.Name);
        sink.WriteUInt64(unchecked((ulong)mantissa));
        sink.WriteUInt32(unchecked((uint)exponent));
    }

    /// <summary>Reads a number and prints it as rippled does.</summary>
    public static JsonNode Read(FieldDefinition field, ref BinaryCursor cursor)
    {
        var mantissa = BinaryPrimitives.ReadInt64BigEndian(cursor.Read(8, field.Name));
        var exponent = BinaryPrimitives.ReadInt32BigEndian(cursor.Read(4, field.Name));
        return JsonValue.Create(Format(mantissa, exponent, field.Name));
    }

    /// <summary>Computes the serialized mantissa and exponent for parsed decimal text.</summary>
    internal static (long Mantissa, int Exponent) Normalize(DecimalText parsed, string field)
    {
        if (parsed.IsZero)
        {
            return (0, ZeroExponent);
        }

        // The exact value is digits * 10^exponent. Find the first scale whose correctly rounded
        // mantissa fits in a signed 64-bit integer, trying 19 digits, then 18.
        var digits = BigInteger.Parse(parsed.Digits, NumberStyles.None, CultureInfo.InvariantCulture);
        var digitCount = parsed.Digits.Length;
        for (var kept = MantissaDigits; kept >= MantissaDigits - 1; kept--)
        {
            var shift = digitCount - kept;
            var rounded = shift <= 0
                ? digits * BigInteger.Pow(10, -shift)
                : RoundHalfEven(digits, shift);
            var exponent = parsed.Exponent + shift;
            if (rounded > MaxRepresentable)
            {
                continue;
            }

            if (exponent > MaxExponent)
            {
                throw new InvalidInputException(field, "is too large for an XRPL Number");
            }

            if (exponent < MinExponent)
            {
                return (0, ZeroExponent);
            }

            var mantissa = (long)rounded;
            return (parsed.IsNegative ? -mantissa : mantissa, (int)exponent);
        }

        throw new InvalidOperationException("An 18-digit mantissa always fits in 64 bits.");
    }

    /// <summary>Prints a serialized number as rippled's to_string does for its 19-digit range.</summary>
    internal static string Format(long serializedMantissa, int serializedExponent, string field)
    {
        if (serializedMantissa == 0)
        {
            return "0";
        }

        if (serializedMantissa == long.MinValue)
        {
            // No encoder produces it: its magnitude does not fit the signed range rippled keeps.
            throw new InvalidInputException(field, "holds a Number outside the ledger's range");
        }

        var negative = serializedMantissa < 0;
        var mantissa = (ulong)Math.Abs(serializedMantissa);
        long exponent = serializedExponent;
        while (mantissa < MinMantissa && exponent > MinExponent)
        {
            mantissa *= 10;
            exponent--;
        }

        if (exponent < MinExponent || mantissa < MinMantissa)
        {
            return "0";
        }

        if (exponent > MaxExponent || mantissa > MaxMantissa)
        {
            throw new InvalidInputException(field, "holds a Number outside the ledger's range");
        }

        var builder = new StringBuilder(48);
        if (negative)
        {
            builder.Append('-');
        }

        if (exponent != 0 && (exponent < -(MantissaDigits - 1 + 10) || exponent > -(MantissaDigits - 1 - 10)))
        {
            while (mantissa % 10 == 0)
            {
                mantissa /= 10;
                exponent++;
            }

            return builder.Append(mantissa.ToString(CultureInfo.InvariantCulture)).Append('e')
                .Append(exponent.ToString(CultureInfo.InvariantCulture)).ToString();
        }

        var digits = mantissa.ToString(CultureInfo.InvariantCulture);
        if (exponent >= 0)
        {
            return builder.Append(digits).Append('0', (int)exponent).ToString();
        }

        var pointPosition = digits.Length + (int)exponent;
        var whole = pointPosition > 0 ? digits[..pointPosition] : "0";
        var fraction = (pointPosition >= 0 ? digits[pointPosition..] : new string('0', -pointPosition) + digits).TrimEnd('0');
        builder.Append(whole);
        if (fraction.Length > 0)
        {
            builder.Append('.').Append(fraction);
        }

        return builder.ToString();
    }

    private static BigInteger RoundHalfEven(BigInteger value, int droppedDigits)
    {
        var divisor = BigInteger.Pow(10, droppedDigits);
        var quotient = BigInteger.DivRem(value, divisor, out var remainder);
        var twice = remainder * 2;
        if (twice > divisor || (twice == divisor && !quotient.IsEven))
        {
            quotient += 1;
        }

        return quotient;
    }
}
