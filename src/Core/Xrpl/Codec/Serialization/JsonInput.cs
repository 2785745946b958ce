using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HsmWallet.Core.Xrpl.Codec.Serialization;

/// <summary>
/// Reads JSON values with the field named in every error, so a wrong type is reported as
/// "Sequence: must be a whole number" instead of an invalid cast deep inside the codec.
/// </summary>
internal static class JsonInput
{
    /// <summary>Returns the text of a JSON string, or refuses with the given rule.</summary>
    public static string String(JsonNode? node, string field, string rule)
    {
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.TryGetValue<string>(out var text))
        {
            return text;
        }

        throw new InvalidInputException(field, rule);
    }

    /// <summary>Returns the text when the node is a JSON string, for fields that accept several shapes.</summary>
    public static bool TryString(JsonNode? node, out string text)
    {
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.TryGetValue(out string? found))
        {
            text = found;
            return true;
        }

        text = string.Empty;
        return false;
    }

    /// <summary>Returns the object, or refuses.</summary>
    public static JsonObject Object(JsonNode? node, string field, string rule) =>
        node as JsonObject ?? throw new InvalidInputException(field, rule);

    /// <summary>Returns the array, or refuses.</summary>
    public static JsonArray Array(JsonNode? node, string field, string rule) =>
        node as JsonArray ?? throw new InvalidInputException(field, rule);

    /// <summary>Reads a whole JSON number (not text, not a fraction) within a range.</summary>
    public static long Integer(JsonNode? node, string field, long min, long max)
    {
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && TryInteger(value, out var number))
        {
            if (number < min || number > max)
            {
                throw new InvalidInputException(field, $"must be a whole number from {min} to {max}");
            }

            return (long)number;
        }

        throw new InvalidInputException(field, $"must be a whole number from {min} to {max}");
    }

    /// <summary>Reads a whole JSON number of any size up to 64 bits, signed or not.</summary>
    public static bool TryInteger(JsonNode? node, out Int128 number)
    {
        number = 0;
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }

        return TryInteger(value, out number);
    }

    /// <summary>Decodes hex text into the sink's buffer without an intermediate array.</summary>
    public static void WriteHex(string text, Binary.ByteSink sink, string field, string rule)
    {
        if (text.Length % 2 != 0)
        {
            throw new InvalidInputException(field, rule);
        }

        var destination = sink.GetSpan(text.Length / 2);
        if (Convert.FromHexString(text, destination, out _, out var written) != OperationStatus.Done || written != destination.Length)
        {
            throw new InvalidInputException(field, rule);
        }

        sink.Advance(written);
    }

    private static bool TryInteger(JsonValue value, out Int128 number)
    {
        number = 0;
        if (value.TryGetValue(out JsonElement element))
        {
            if (element.TryGetInt64(out var signed))
            {
                number = signed;
                return true;
            }

            if (element.TryGetUInt64(out var unsigned))
            {
                number = unsigned;
                return true;
            }

            return false;
        }

        if (value.TryGetValue(out long asLong))
        {
            number = asLong;
            return true;
        }

        if (value.TryGetValue(out ulong asULong))
        {
            number = asULong;
            return true;
        }

        if (value.TryGetValue(out int asInt))
        {
            number = asInt;
            return true;
        }

        if (value.TryGetValue(out uint asUInt))
        {
            number = asUInt;
            return true;
        }

        if (value.TryGetValue(out short asShort))
        {
            number = asShort;
            return true;
        }

        if (value.TryGetValue(out ushort asUShort))
        {
            number = asUShort;
            return true;
        }

        if (value.TryGetValue(out byte asByte))
        {
            number = asByte;
            return true;
        }

        if (value.TryGetValue(out sbyte asSByte))
        {
            number = asSByte;
            return true;
        }

        if (value.TryGetValue(out decimal asDecimal) && decimal.Truncate(asDecimal) == asDecimal)
        {
            number = (Int128)asDecimal;
            return true;
        }

        if (value.TryGetValue(out double asDouble) && Math.Abs(asDouble) <= 9_007_199_254_740_992d && Math.Truncate(asDouble) == asDouble)
        {
            number = (Int128)asDouble;
            return true;
        }

        return false;
    }
}
