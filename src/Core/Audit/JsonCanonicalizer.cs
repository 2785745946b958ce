using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HsmWallet.Core.Audit;

/// <summary>
/// Writes a JSON value in the RFC 8785 JSON Canonicalization Scheme (JCS) so that a MAC over an
/// audit entry does not depend on property order, whitespace or number spelling.
/// </summary>
public static class JsonCanonicalizer
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Returns the canonical UTF-8 bytes of a JSON value (null stands for the JSON literal null).</summary>
    public static byte[] Serialize(JsonNode? node)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(node, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Appends the canonical UTF-8 bytes of a JSON value to a buffer, for callers that reuse one.</summary>
    public static void Write(JsonNode? node, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        WriteNode(node, output, depth: 0);
    }

    /// <summary>Formats a double as ECMAScript's Number.prototype.toString does, the number form JCS requires.</summary>
    public static string FormatNumber(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new InvalidInputException("number", "must be finite to be canonical JSON");
        }

        if (value == 0)
        {
            return "0"; // Both +0 and -0.
        }

        // .NET's default double formatting is the shortest round-trip form; re-shape its digits.
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = shortest[0] == '-';
        if (negative)
        {
            shortest = shortest[1..];
        }

        var exponentAt = shortest.IndexOfAny(['E', 'e']);
        var mantissa = exponentAt < 0 ? shortest : shortest[..exponentAt];
        var exponent = exponentAt < 0 ? 0 : int.Parse(shortest.AsSpan(exponentAt + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var pointAt = mantissa.IndexOf('.', StringComparison.Ordinal);
        var integerPart = pointAt < 0 ? mantissa : mantissa[..pointAt];
        var fractionPart = pointAt < 0 ? string.Empty : mantissa[(pointAt + 1)..];
        var digits = integerPart + fractionPart;
        var n = integerPart.Length + exponent; // value = 0.digits * 10^n
        var leadingZeros = 0;
        while (leadingZeros < digits.Length - 1 && digits[leadingZeros] == '0')
        {
            leadingZeros++;
        }

        digits = digits[leadingZeros..].TrimEnd('0');
        n -= leadingZeros;
        var k = digits.Length;

        var text = new StringBuilder(32);
        if (negative)
        {
            text.Append('-');
        }

        if (k <= n && n <= 21)
        {
            text.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            text.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            text.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            var e = n - 1;
            text.Append(digits[0]);
            if (k > 1)
            {
                text.Append('.').Append(digits, 1, k - 1);
            }

            text.Append('e').Append(e < 0 ? '-' : '+').Append(Math.Abs(e).ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    private static void WriteNode(JsonNode? node, IBufferWriter<byte> output, int depth)
    {
        if (depth > 64)
        {
            throw new InvalidInputException("json", "must nest at most 64 levels");
        }

        switch (node)
        {
            case null:
                WriteAscii(output, "null");
                break;
            case JsonObject obj:
                WriteObject(obj, output, depth);
                break;
            case JsonArray array:
                WriteByte(output, (byte)'[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        WriteByte(output, (byte)',');
                    }

                    WriteNode(array[i], output, depth + 1);
                }

                WriteByte(output, (byte)']');
                break;
            case JsonValue value:
                WriteValue(value, output);
                break;
            default:
                throw new InvalidInputException("json", "must be an object, array or value");
        }
    }

    private static void WriteObject(JsonObject obj, IBufferWriter<byte> output, int depth)
    {
        var properties = new KeyValuePair<string, JsonNode?>[obj.Count];
        var index = 0;
        foreach (var property in obj)
        {
            properties[index++] = property;
        }

        // RFC 8785 3.2.3: order by the UTF-16 code units of the names, which is .NET's ordinal order.
        Array.Sort(properties, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        WriteByte(output, (byte)'{');
        for (var i = 0; i < properties.Length; i++)
        {
            if (i > 0)
            {
                WriteByte(output, (byte)',');
            }

            WriteString(properties[i].Key, output);
            WriteByte(output, (byte)':');
            WriteNode(properties[i].Value, output, depth + 1);
        }

        WriteByte(output, (byte)'}');
    }

    private static void WriteValue(JsonValue value, IBufferWriter<byte> output)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(value.GetValue<string>(), output);
                break;
            case JsonValueKind.True:
                WriteAscii(output, "true");
                break;
            case JsonValueKind.False:
                WriteAscii(output, "false");
                break;
            case JsonValueKind.Null:
                WriteAscii(output, "null");
                break;
            case JsonValueKind.Number:
                WriteAscii(output, FormatNumber(ToExactDouble(value.ToJsonString())));
                break;
            default:
                throw new InvalidInputException("json", "must hold only strings, numbers, booleans and null");
        }
    }

    private static double ToExactDouble(string numberText)
    {
        if (!double.TryParse(numberText, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
        {
            throw new InvalidInputException("number", "must be a finite IEEE 754 double");
        }

        // An integer beyond 2^53 would silently change value; JCS (I-JSON) asks for exact numbers.
        var isInteger = numberText.AsSpan().IndexOfAny(".eE") < 0;
        if (isInteger && numberText.TrimStart('-').Length > 15
            && BigInteger.Parse(numberText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) != new BigInteger(number))
        {
            throw new InvalidInputException("number", "must be exactly representable as an IEEE 754 double");
        }

        return number;
    }

    private static void WriteString(string text, IBufferWriter<byte> output)
    {
        WriteByte(output, (byte)'"');
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c >= 0x20 && c != '"' && c != '\\')
            {
                continue;
            }

            WriteUtf8(text.AsSpan(start, i - start), output);
            start = i + 1;
            switch (c)
            {
                case '"': WriteAscii(output, "\\\""); break;
                case '\\': WriteAscii(output, "\\\\"); break;
                case '\b': WriteAscii(output, "\\b"); break;
                case '\f': WriteAscii(output, "\\f"); break;
                case '\n': WriteAscii(output, "\\n"); break;
                case '\r': WriteAscii(output, "\\r"); break;
                case '\t': WriteAscii(output, "\\t"); break;
                default: WriteAscii(output, "\\u00" + ((int)c).ToString("x2", CultureInfo.InvariantCulture)); break;
            }
        }

        WriteUtf8(text.AsSpan(start), output);
        WriteByte(output, (byte)'"');
    }

    private static void WriteUtf8(ReadOnlySpan<char> text, IBufferWriter<byte> output)
    {
        if (text.IsEmpty)
        {
            return;
        }

        int count;
        try
        {
            count = StrictUtf8.GetByteCount(text);
        }
        catch (EncoderFallbackException exception)
        {
            throw new InvalidInputException("string", "must be valid Unicode (no lone surrogates)", exception);
        }

        var span = output.GetSpan(count);
        StrictUtf8.GetBytes(text, span);
        output.Advance(count);
    }

    private static void WriteAscii(IBufferWriter<byte> output, string ascii)
    {
        var span = output.GetSpan(ascii.Length);
        for (var i = 0; i < ascii.Length; i++)
        {
            span[i] = (byte)ascii[i];
        }

        output.Advance(ascii.Length);
    }

    private static void WriteByte(IBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }
}
