using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Codec.Binary;
using HsmWallet.Core.Xrpl.Codec.Definitions;
using HsmWallet.Core.Xrpl.Codec.Serialization;

namespace HsmWallet.Core.Xrpl.Codec.Types;

/// <summary>
/// UInt64: hex text in JSON (1 to 16 digits in, 16 uppercase digits out), except the token-amount
/// fields the reference writes in decimal.
/// </summary>
internal static class UInt64Codec
{
    /// <summary>Writes a UInt64 given as hex text (or a JSON number).</summary>
    public static void WriteHex(FieldDefinition field, JsonNode value, ByteSink sink)
    {
        if (JsonInput.TryString(value, out var text))
        {
            if (text.Length is < 1 or > 16
                || !ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var parsed))
            {
                throw new InvalidInputException(field.Name, "must be 1 to 16 hex digits");
            }

            sink.WriteUInt64(parsed);
            return;
        }

        sink.WriteUInt64(FromNumber(value, field.Name, "must be 1 to 16 hex digits"));
    }

    /// <summary>Writes a UInt64 given as decimal text (or a JSON number).</summary>
    public static void WriteDecimal(FieldDefinition field, JsonNode value, ByteSink sink)
    {
        if (JsonInput.TryString(value, out var text))
        {
            if (text.Length is < 1 or > 20 || text.AsSpan().ContainsAnyExceptInRange('0', '9')
                || !ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                throw new InvalidInputException(field.Name, "must be a whole number in decimal, from 0 to 18446744073709551615");
            }

            sink.WriteUInt64(parsed);
            return;
        }

        sink.WriteUInt64(FromNumber(value, field.Name, "must be a whole number in decimal, from 0 to 18446744073709551615"));
    }

    /// <summary>Reads a UInt64 as 16 uppercase hex digits.</summary>
    public static JsonNode ReadHex(FieldDefinition field, ref BinaryCursor cursor) =>
        JsonValue.Create(Convert.ToHexString(cursor.Read(8, field.Name)));

    /// <summary>Reads a UInt64 as decimal text.</summary>
    public static JsonNode ReadDecimal(FieldDefinition field, ref BinaryCursor cursor) =>
        JsonValue.Create(BinaryPrimitives.ReadUInt64BigEndian(cursor.Read(8, field.Name)).ToString(CultureInfo.InvariantCulture));

    private static ulong FromNumber(JsonNode value, string field, string rule)
    {
        if (JsonInput.TryInteger(value, out var number) && number >= 0 && number <= ulong.MaxValue)
        {
            return (ulong)number;
        }

        throw new InvalidInputException(field, rule);
    }
}
