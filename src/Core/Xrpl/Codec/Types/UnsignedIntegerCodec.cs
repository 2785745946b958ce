using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Codec.Binary;
using HsmWallet.Core.Xrpl.Codec.Definitions;
using HsmWallet.Core.Xrpl.Codec.Serialization;

namespace HsmWallet.Core.Xrpl.Codec.Types;

/// <summary>
/// UInt8, UInt16 and UInt32: JSON numbers, big-endian on the wire. UInt32 also takes decimal text,
/// as the reference implementation does.
/// </summary>
internal static class UnsignedIntegerCodec
{
    /// <summary>Writes a UInt8.</summary>
    public static void WriteUInt8(FieldDefinition field, JsonNode value, ByteSink sink) =>
        sink.WriteByte((byte)JsonInput.Integer(value, field.Name, 0, byte.MaxValue));

    /// <summary>Writes a UInt16.</summary>
    public static void WriteUInt16(FieldDefinition field, JsonNode value, ByteSink sink) =>
        sink.WriteUInt16((ushort)JsonInput.Integer(value, field.Name, 0, ushort.MaxValue));

    /// <summary>Writes a UInt32 from a number or decimal digits.</summary>
    public static void WriteUInt32(FieldDefinition field, JsonNode value, ByteSink sink) =>
        sink.WriteUInt32(ReadUInt32(value, field.Name));

    /// <summary>Reads a UInt32 from a number or decimal digits; shared with the enumerated 32-bit fields.</summary>
    public static uint ReadUInt32(JsonNode value, string field)
    {
        if (JsonInput.TryString(value, out var text))
        {
            if (text.Length is > 0 and <= 10 && !text.AsSpan().ContainsAnyExceptInRange('0', '9')
                && uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return parsed;
            }

            throw new InvalidInputException(field, "must be a whole number from 0 to 4294967295");
        }

        return (uint)JsonInput.Integer(value, field, 0, uint.MaxValue);
    }

    /// <summary>Reads a UInt8 as a JSON number (held as uint, like every unsigned field up to 32 bits).</summary>
    public static JsonNode ReadUInt8(FieldDefinition field, ref BinaryCursor cursor) =>
        JsonValue.Create((uint)cursor.ReadByte(field.Name));

    /// <summary>Reads a UInt16 as a JSON number (held as uint).</summary>
    public static JsonNode ReadUInt16(FieldDefinition field, ref BinaryCursor cursor) =>
        JsonValue.Create((uint)BinaryPrimitives.ReadUInt16BigEndian(cursor.Read(2, field.Name)));

    /// <summary>Reads a UInt32 as a JSON number.</summary>
    public static JsonNode ReadUInt32(FieldDefinition field, ref BinaryCursor cursor) =>
        JsonValue.Create(BinaryPrimitives.ReadUInt32BigEndian(cursor.Read(4, field.Name)));
}
