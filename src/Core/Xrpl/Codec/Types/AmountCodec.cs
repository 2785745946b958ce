using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Amounts;
using HsmWallet.Core.Xrpl.Codec.Binary;
using HsmWallet.Core.Xrpl.Codec.Definitions;
using HsmWallet.Core.Xrpl.Codec.Serialization;

namespace HsmWallet.Core.Xrpl.Codec.Types;

/// <summary>
/// Amount: XRP as a string of drops (8 bytes), an issued amount {currency, issuer, value} (48 bytes)
/// or an MPT amount {mpt_issuance_id, value} (33 bytes). The rules live in the Amounts types.
/// </summary>
internal static class AmountCodec
{
    private const string Shape =
        "must be XRP drops as a string, {currency, issuer, value} for an issued currency, or {mpt_issuance_id, value} for an MPT";

    private const ulong PositiveBit = 0x4000_0000_0000_0000;

    /// <summary>Writes any of the three shapes.</summary>
    public static void Write(FieldDefinition field, JsonNode value, ByteSink sink)
    {
        var name = field.Name;
        if (JsonInput.TryString(value, out var drops))
        {
            sink.WriteUInt64(XrpAmount.ParseDrops(drops, name, allowZero: true).Drops | PositiveBit);
            return;
        }

        var amount = JsonInput.Object(value, name, Shape);
        if (amount.Count == 3 && amount.ContainsKey("currency") && amount.ContainsKey("issuer") && amount.ContainsKey("value"))
        {
            var issued = IssuedCurrencyAmount.Parse(
                JsonInput.String(amount["value"], name, "value must be a string"),
                JsonInput.String(amount["currency"], name, "currency must be a string"),
                AccountIdCodec.ParseWithoutTag(amount["issuer"], name),
                name);
            issued.WriteTo(sink.GetSpan(IssuedCurrencyAmount.EncodedLength));
            sink.Advance(IssuedCurrencyAmount.EncodedLength);
            return;
        }

        if (amount.Count == 2 && amount.ContainsKey("mpt_issuance_id") && amount.ContainsKey("value"))
        {
            var mpt = MptAmount.Parse(
                JsonInput.String(amount["mpt_issuance_id"], name, "mpt_issuance_id must be a string"),
                JsonInput.String(amount["value"], name, "value must be a string"),
                name);
            mpt.WriteTo(sink.GetSpan(MptAmount.EncodedLength));
            sink.Advance(MptAmount.EncodedLength);
            return;
        }

        throw new InvalidInputException(name, Shape);
    }

    /// <summary>Reads whichever shape the leading bits announce.</summary>
    public static JsonNode Read(FieldDefinition field, ref BinaryCursor cursor)
    {
        var name = field.Name;
        var first = cursor.Peek(name);
        if ((first & 0x80) != 0)
        {
            var issued = IssuedCurrencyAmount.FromBytes(cursor.Read(IssuedCurrencyAmount.EncodedLength, name), name);
            return new JsonObject
            {
                ["value"] = issued.Value.ToString(),
                ["currency"] = issued.Currency.ToString(),
                ["issuer"] = AddressCache.ToClassicAddress(issued.Issuer.Bytes),
            };
        }

        if ((first & 0x20) != 0)
        {
            var mpt = MptAmount.FromBytes(cursor.Read(MptAmount.EncodedLength, name), name);
            return new JsonObject
            {
                ["value"] = mpt.ValueText(),
                ["mpt_issuance_id"] = mpt.IssuanceIdText(),
            };
        }

        var raw = BinaryPrimitives.ReadUInt64BigEndian(cursor.Read(8, name));
        var magnitude = (raw & 0x3FFF_FFFF_FFFF_FFFF).ToString(CultureInfo.InvariantCulture);
        return JsonValue.Create((raw & PositiveBit) != 0 ? magnitude : "-" + magnitude);
    }
}
