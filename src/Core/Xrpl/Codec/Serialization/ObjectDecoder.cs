using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Codec.Binary;
using HsmWallet.Core.Xrpl.Codec.Definitions;
using HsmWallet.Core.Xrpl.Codec.Types;

namespace HsmWallet.Core.Xrpl.Codec.Serialization;

/// <summary>
/// Reads an STObject back into JSON in the reference implementation's shape, refusing unknown
/// fields, truncation and misplaced end markers rather than guessing.
/// </summary>
internal static class ObjectDecoder
{
    /// <summary>Reads fields until the end of input (top level) or the object end marker (nested).</summary>
    public static JsonObject ReadObject(ref BinaryCursor cursor, bool nested, int depth)
    {
        if (depth > ObjectEncoder.MaxDepth)
        {
            throw new InvalidInputException("binary", "nests objects too deeply");
        }

        var definitions = XrplDefinitions.Instance;
        var result = new JsonObject();
        while (!cursor.AtEnd)
        {
            var field = ReadFieldHeader(ref cursor, definitions);
            if (ReferenceEquals(field, definitions.ObjectEndMarker))
            {
                if (nested)
                {
                    return result;
                }

                throw new InvalidInputException("binary", "has an object end marker outside any object");
            }

            if (ReferenceEquals(field, definitions.ArrayEndMarker))
            {
                throw new InvalidInputException("binary", "has an array end marker outside any array");
            }

            var value = ReadValue(field, ref cursor, depth);
            if (!result.TryAdd(field.Name, value))
            {
                throw new InvalidInputException(field.Name, "appears twice in the binary data");
            }
        }

        if (nested)
        {
            throw new InvalidInputException("binary", "ends inside an object (no end marker)");
        }

        return result;
    }

    private static FieldDefinition ReadFieldHeader(ref BinaryCursor cursor, XrplDefinitions definitions)
    {
        var ordinal = FieldHeader.Read(ref cursor);
        if (!definitions.FieldsByOrdinal.TryGetValue(ordinal, out var field))
        {
            throw new InvalidInputException("binary", $"has a field the definitions do not know (type {ordinal >> 16}, field {ordinal & 0xFFFF})");
        }

        return field;
    }

    private static JsonNode ReadValue(FieldDefinition field, ref BinaryCursor cursor, int depth)
    {
        if (field.IsVariableLength)
        {
            var length = VariableLength.Read(ref cursor, field.Name);
            var content = new BinaryCursor(cursor.Read(length, field.Name));
            var value = ReadVariableLengthValue(field, ref content, length);
            if (!content.AtEnd)
            {
                throw new InvalidInputException(field.Name, "has more bytes than its value uses");
            }

            return value;
        }

        return field.Kind switch
        {
            FieldKind.UInt8 => UnsignedIntegerCodec.ReadUInt8(field, ref cursor),
            FieldKind.UInt16 => UnsignedIntegerCodec.ReadUInt16(field, ref cursor),
            FieldKind.UInt32 => UnsignedIntegerCodec.ReadUInt32(field, ref cursor),
            FieldKind.UInt64Hex => UInt64Codec.ReadHex(field, ref cursor),
            FieldKind.UInt64Decimal => UInt64Codec.ReadDecimal(field, ref cursor),
            FieldKind.Int32 => SignedIntegerCodec.ReadInt32(field, ref cursor),
            FieldKind.Int64 => SignedIntegerCodec.ReadInt64(field, ref cursor),
            FieldKind.FixedHex => FixedHexCodec.Read(field, ref cursor),
            FieldKind.AccountId => AccountIdCodec.Read(ref cursor, field.Name),
            FieldKind.Amount => AmountCodec.Read(field, ref cursor),
            FieldKind.Currency => CurrencyFieldCodec.Read(field, ref cursor),
            FieldKind.Issue => IssueCodec.Read(ref cursor, field.Name),
            FieldKind.Number => NumberCodec.Read(field, ref cursor),
            FieldKind.PathSet => PathSetCodec.Read(field, ref cursor),
            FieldKind.XChainBridge => XChainBridgeCodec.Read(field, ref cursor),
            FieldKind.TransactionType or FieldKind.LedgerEntryType or FieldKind.TransactionResult or FieldKind.PermissionValue
                => EnumeratedCodec.Read(field, ref cursor),
            FieldKind.StObject => ReadObject(ref cursor, nested: true, depth + 1),
            FieldKind.StArray => ReadArray(field, ref cursor, depth),
            _ => throw new InvalidInputException(field.Name, "has a type this codec cannot read"),
        };
    }

    private static JsonNode ReadVariableLengthValue(FieldDefinition field, ref BinaryCursor content, int length) =>
        field.Kind switch
        {
            FieldKind.Blob => BlobCodec.Read(ref content, field.Name),
            FieldKind.AccountId when length == 0 => JsonValue.Create(string.Empty),
            FieldKind.AccountId => AccountIdCodec.Read(ref content, field.Name),
            FieldKind.Vector256 => Vector256Codec.Read(ref content, field.Name),
            _ => throw new InvalidInputException(field.Name, "has a type this codec cannot read with a length prefix"),
        };

    private static JsonArray ReadArray(FieldDefinition field, ref BinaryCursor cursor, int depth)
    {
        var definitions = XrplDefinitions.Instance;
        var array = new JsonArray();
        while (true)
        {
            var element = ReadFieldHeader(ref cursor, definitions);
            if (ReferenceEquals(element, definitions.ArrayEndMarker))
            {
                return array;
            }

            if (element.Kind != FieldKind.StObject)
            {
                throw new InvalidInputException(field.Name, "holds something other than objects");
            }

            var inner = ReadObject(ref cursor, nested: true, depth + 1);
            array.Add((JsonNode)new JsonObject { [element.Name] = inner });
        }
    }
}
