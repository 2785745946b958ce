using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Codec.Binary;
using HsmWallet.Core.Xrpl.Codec.Definitions;
using HsmWallet.Core.Xrpl.Codec.Types;

namespace HsmWallet.Core.Xrpl.Codec.Serialization;

/// <summary>
/// Writes a JSON object as an STObject: fields looked up by name, X-addresses split into account and
/// tag, sorted by type code then field number, each written as header, optional length, value.
/// </summary>
internal static class ObjectEncoder
{
    /// <summary>How deeply objects and arrays may nest; real transactions use three or four levels.</summary>
    public const int MaxDepth = 32;

    private const byte ObjectEnd = 0xE1;
    private const byte ArrayEnd = 0xF1;

    /// <summary>Writes the fields of an object (without an end marker: the top level has none).</summary>
    /// <param name="json">The object.</param>
    /// <param name="sink">Where the bytes go.</param>
    /// <param name="signingFieldsOnly">True to leave out fields that are not signed (signatures).</param>
    /// <param name="depth">The current nesting depth.</param>
    public static void WriteObject(JsonObject json, ByteSink sink, bool signingFieldsOnly, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new InvalidInputException("transaction", "nests objects too deeply");
        }

        var definitions = XrplDefinitions.Instance;
        var entries = new Entry[json.Count + 2];
        var count = 0;
        var isUnlModify = JsonInput.TryString(json["TransactionType"], out var type) && type == "UNLModify";
        foreach (var (name, node) in json)
        {
            if (!definitions.FieldsByName.TryGetValue(name, out var field))
            {
                throw new InvalidInputException(name, "is not a known XRPL field");
            }

            if (!field.IsSerialized || (signingFieldsOnly && !field.IsSigningField))
            {
                continue;
            }

            if (field.Kind == FieldKind.Unsupported)
            {
                throw new InvalidInputException(name, "cannot be encoded");
            }

            if (node is null)
            {
                throw new InvalidInputException(name, "must not be null");
            }

            if (field.Kind != FieldKind.AccountId)
            {
                entries[count++] = new Entry(field, node, default, null);
                continue;
            }

            if (isUnlModify && name == "Account")
            {
                // The reference writes UNLModify's Account with no bytes, matching rippled's encoding;
                // the value must still be empty or a real address.
                if (!JsonInput.TryString(node, out var empty) || empty.Length != 0)
                {
                    AccountIdCodec.ParseWithoutTag(node, name);
                }

                entries[count++] = new Entry(field, node, default, null);
                continue;
            }

            var account = AccountIdCodec.Parse(node, name, out var tag);
            entries[count++] = new Entry(field, null, account, null);
            if (tag is null)
            {
                continue;
            }

            var tagField = name switch
            {
                "Account" => definitions.SourceTag,
                "Destination" => definitions.DestinationTag,
                _ => throw new InvalidInputException(name, "must not be an X-address with a tag here (only Account and Destination carry tags)"),
            };
            if (json.ContainsKey(tagField.Name))
            {
                throw new InvalidInputException(name, $"is an X-address with a tag and {tagField.Name} is also given; give the tag only once");
            }

            if (!signingFieldsOnly || tagField.IsSigningField)
            {
                entries[count++] = new Entry(tagField, null, default, tag);
            }
        }

        SortByOrdinal(entries, count);
        for (var i = 0; i < count; i++)
        {
            WriteField(entries[i], sink, depth, isUnlModify);
        }
    }

    private static void WriteField(in Entry entry, ByteSink sink, int depth, bool isUnlModify)
    {
        var field = entry.Field;
        sink.Write(field.Header);
        if (field.IsVariableLength)
        {
            var start = sink.Length;
            if (!(isUnlModify && field.Name == "Account"))
            {
                WriteValue(entry, sink, depth);
            }

            sink.InsertLengthPrefix(start, field.Name);
            return;
        }

        WriteValue(entry, sink, depth);
    }

    private static void WriteValue(in Entry entry, ByteSink sink, int depth)
    {
        var field = entry.Field;
        if (entry.Tag is { } tag)
        {
            sink.WriteUInt32(tag);
            return;
        }

        if (entry.Node is null)
        {
            sink.Write(entry.Account.Bytes);
            return;
        }

        var value = entry.Node;
        switch (field.Kind)
        {
            case FieldKind.UInt8:
                UnsignedIntegerCodec.WriteUInt8(field, value, sink);
                break;
            case FieldKind.UInt16:
                UnsignedIntegerCodec.WriteUInt16(field, value, sink);
                break;
            case FieldKind.UInt32:
                UnsignedIntegerCodec.WriteUInt32(field, value, sink);
                break;
            case FieldKind.UInt64Hex:
                UInt64Codec.WriteHex(field, value, sink);
                break;
            case FieldKind.UInt64Decimal:
                UInt64Codec.WriteDecimal(field, value, sink);
                break;
            case FieldKind.Int32:
                SignedIntegerCodec.WriteInt32(field, value, sink);
                break;
            case FieldKind.Int64:
                SignedIntegerCodec.WriteInt64(field, value, sink);
                break;
            case FieldKind.FixedHex:
                FixedHexCodec.Write(field, value, sink);
                break;
            case FieldKind.Blob:
                BlobCodec.Write(field, value, sink);
                break;
            case FieldKind.AccountId:
                sink.Write(AccountIdCodec.ParseWithoutTag(value, field.Name).Bytes);
                break;
            case FieldKind.Amount:
                AmountCodec.Write(field, value, sink);
                break;
            case FieldKind.Currency:
                CurrencyFieldCodec.Write(field, value, sink);
                break;
            case FieldKind.Issue:
                IssueCodec.Write(field, value, sink);
                break;
            case FieldKind.Number:
                NumberCodec.Write(field, value, sink);
                break;
            case FieldKind.PathSet:
                PathSetCodec.Write(field, value, sink);
                break;
            case FieldKind.Vector256:
                Vector256Codec.Write(field, value, sink);
                break;
            case FieldKind.XChainBridge:
                XChainBridgeCodec.Write(field, value, sink);
                break;
            case FieldKind.TransactionType:
            case FieldKind.LedgerEntryType:
            case FieldKind.TransactionResult:
            case FieldKind.PermissionValue:
                EnumeratedCodec.Write(field, value, sink);
                break;
            case FieldKind.StObject:
                WriteObject(JsonInput.Object(value, field.Name, "must be an object"), sink, signingFieldsOnly: false, depth + 1);
                sink.WriteByte(ObjectEnd);
                break;
            case FieldKind.StArray:
                WriteArray(field, value, sink, depth);
                break;
            default:
                throw new InvalidInputException(field.Name, "cannot be encoded");
        }
    }

    private static void WriteArray(FieldDefinition field, JsonNode value, ByteSink sink, int depth)
    {
        const string Rule = "must be an array of objects, each with exactly one object field (like {\"Memo\": {...}})";
        foreach (var item in JsonInput.Array(value, field.Name, Rule))
        {
            var wrapper = JsonInput.Object(item, field.Name, Rule);
            if (wrapper.Count != 1)
            {
                throw new InvalidInputException(field.Name, Rule);
            }

            var (innerName, innerNode) = wrapper.First();
            if (!XrplDefinitions.Instance.FieldsByName.TryGetValue(innerName, out var inner))
            {
                throw new InvalidInputException(innerName, "is not a known XRPL field");
            }

            if (inner.Kind != FieldKind.StObject || !inner.IsSerialized)
            {
                throw new InvalidInputException(field.Name, Rule);
            }

            sink.Write(inner.Header);
            WriteObject(JsonInput.Object(innerNode, innerName, "must be an object"), sink, signingFieldsOnly: false, depth + 1);
            sink.WriteByte(ObjectEnd);
        }

        sink.WriteByte(ArrayEnd);
    }

    private static void SortByOrdinal(Entry[] entries, int count)
    {
        // Insertion sort: a transaction has a few dozen fields at most, usually nearly in order.
        for (var i = 1; i < count; i++)
        {
            var current = entries[i];
            var j = i - 1;
            while (j >= 0 && entries[j].Field.Ordinal > current.Field.Ordinal)
            {
                entries[j + 1] = entries[j];
                j--;
            }

            entries[j + 1] = current;
        }
    }

    /// <summary>One field to write: its JSON value, or a value already parsed (an account, an X-address tag).</summary>
    private readonly record struct Entry(FieldDefinition Field, JsonNode? Node, AccountId Account, uint? Tag);
}
