using System.Buffers.Binary;
using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Codec.Binary;
using HsmWallet.Core.Xrpl.Codec.Definitions;
using HsmWallet.Core.Xrpl.Codec.Serialization;

namespace HsmWallet.Core.Xrpl.Codec.Types;

/// <summary>
/// TransactionType, LedgerEntryType, TransactionResult and PermissionValue: integers on the wire,
/// names in JSON, mapped through the definitions table (a bare number is accepted in, and printed
/// out when the table has no name for it).
/// </summary>
internal static class EnumeratedCodec
{
    /// <summary>Writes the code for a name or number.</summary>
    public static void Write(FieldDefinition field, JsonNode value, ByteSink sink)
    {
        var (values, width) = TableOf(field);
        long code;
        if (JsonInput.TryString(value, out var name))
        {
            if (!values.TryGetCode(name, out code))
            {
                throw new InvalidInputException(field.Name, "is not a name the XRPL definitions know");
            }
        }
        else
        {
            code = JsonInput.Integer(value, field.Name, 0, MaxOf(width));
        }

        if (code < 0 || code > MaxOf(width))
        {
            throw new InvalidInputException(field.Name, "has a code that does not fit this field");
        }

        switch (width)
        {
            case 1:
                sink.WriteByte((byte)code);
                break;
            case 2:
                sink.WriteUInt16((ushort)code);
                break;
            default:
                sink.WriteUInt32((uint)code);
                break;
        }
    }

    /// <summary>Reads the code and prints its name (or the number when unnamed).</summary>
    public static JsonNode Read(FieldDefinition field, ref BinaryCursor cursor)
    {
        var (values, width) = TableOf(field);
        var bytes = cursor.Read(width, field.Name);
        uint code = width switch
        {
            1 => bytes[0],
            2 => BinaryPrimitives.ReadUInt16BigEndian(bytes),
            _ => BinaryPrimitives.ReadUInt32BigEndian(bytes),
        };
        return values.TryGetName(code, out var name) && name is not null ? JsonValue.Create(name) : JsonValue.Create(code);
    }

    private static (EnumeratedValues Values, int Width) TableOf(FieldDefinition field)
    {
        var definitions = XrplDefinitions.Instance;
        return field.Kind switch
        {
            FieldKind.TransactionType => (definitions.TransactionTypes, 2),
            FieldKind.LedgerEntryType => (definitions.LedgerEntryTypes, 2),
            FieldKind.TransactionResult => (definitions.TransactionResults, 1),
            _ => (definitions.Permissions, 4),
        };
    }

    private static long MaxOf(int width) => (1L << (width * 8)) - 1;
}
