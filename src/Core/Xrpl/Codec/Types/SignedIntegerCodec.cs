using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Codec.Binary;
using HsmWallet.Core.Xrpl.Codec.Definitions;
using HsmWallet.Core.Xrpl.Codec.Serialization;

namespace HsmWallet.Core.Xrpl.Codec.Types;

/// <summary>Int32 and Int64: signed, two's complement, big-endian; JSON numbers.</summary>
internal static class SignedIntegerCodec
{
    /// <summary>Writes an Int32.</summary>
    public static void WriteInt32(FieldDefinition field, JsonNode value, ByteSink sink) =>
        sink.WriteUInt32(unchecked((uint)(int)JsonInput.Integer(value, field.Name, int.MinValue, int.MaxValue)));

    /// <summary>Writes an Int64 from a number or decimal text (which keeps full precision in any JSON reader).</summary>
    public static void WriteInt64(FieldDefinition field, JsonNode value, ByteSink sink)
    {
        long number;
        if (JsonInput.TryString(value, out var text))
        {
            if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
            {
                throw new InvalidInputException(field.Name, "must be a whole number from -9223372036854775808 to 9223372036854775807");
            }
        }
        else
        {
            number = JsonInput.Integer(value, field.Name, long.MinValue, long.MaxValue);
        }

        sink.WriteUInt64(unchecked((ulong)number));
    }

    /// <summary>Reads an Int32 as a JSON number.</summary>
    public static JsonNode ReadInt32(FieldDefinition field, ref BinaryCursor cursor) =>
        JsonValue.Create(BinaryPrimitives.ReadInt32BigEndian(cursor.Read(4, field.Name)));

    /// <summary>Reads an Int64 as a JSON number.</summary>
    public static JsonNode ReadInt64(FieldDefinition field, ref BinaryCursor cursor) =>
        JsonValue.Create(BinaryPrimitives.ReadInt64BigEndian(cursor.Read(8, field.Name)));
}
