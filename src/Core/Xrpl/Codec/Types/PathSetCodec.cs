using System.Buffers;
using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Amounts;
using HsmWallet.Core.Xrpl.Codec.Binary;
using HsmWallet.Core.Xrpl.Codec.Definitions;
using HsmWallet.Core.Xrpl.Codec.Serialization;

namespace HsmWallet.Core.Xrpl.Codec.Types;

/// <summary>
/// PathSet: alternative payment paths, each a list of hops. A hop is a type byte then, in order, an
/// account, a currency or an MPT issuance, and an issuer. Paths are separated by 0xFF and the set
/// ends with 0x00.
/// </summary>
internal static class PathSetCodec
{
    private const byte TypeAccount = 0x01;
    private const byte TypeCurrency = 0x10;
    private const byte TypeIssuer = 0x20;
    private const byte TypeMpt = 0x40;
    private const byte TypeAll = TypeAccount | TypeCurrency | TypeIssuer | TypeMpt;
    private const byte PathSeparator = 0xFF;
    private const byte PathSetEnd = 0x00;
    private const int MptIssuanceIdLength = 24;
    private const string Shape = "must be an array of paths, each an array of hops with account, currency, issuer or mpt_issuance_id";

    /// <summary>Writes the paths.</summary>
    public static void Write(FieldDefinition field, JsonNode value, ByteSink sink)
    {
        var paths = JsonInput.Array(value, field.Name, Shape);
        if (paths.Count == 0)
        {
            throw new InvalidInputException(field.Name, "must hold at least one path (leave the field out instead)");
        }

        for (var index = 0; index < paths.Count; index++)
        {
            if (index > 0)
            {
                sink.WriteByte(PathSeparator);
            }

            var hops = JsonInput.Array(paths[index], field.Name, Shape);
            if (hops.Count == 0)
            {
                throw new InvalidInputException(field.Name, "must not contain an empty path");
            }

            foreach (var hop in hops)
            {
                WriteHop(JsonInput.Object(hop, field.Name, Shape), field.Name, sink);
            }
        }

        sink.WriteByte(PathSetEnd);
    }

    /// <summary>Reads the paths.</summary>
    public static JsonNode Read(FieldDefinition field, ref BinaryCursor cursor)
    {
        var paths = new JsonArray();
        var path = new JsonArray();
        while (true)
        {
            var type = cursor.ReadByte(field.Name);
            if (type is PathSetEnd or PathSeparator)
            {
                if (path.Count == 0)
                {
                    throw new InvalidInputException(field.Name, "has an empty path");
                }

                paths.Add((JsonNode)path);
                if (type == PathSetEnd)
                {
                    return paths;
                }

                path = [];
                continue;
            }

            path.Add((JsonNode)ReadHop(type, ref cursor, field.Name));
        }
    }

    private static void WriteHop(JsonObject hop, string field, ByteSink sink)
    {
        var typeIndex = sink.Length;
        sink.WriteByte(0);
        byte type = 0;
        var known = 0;
        if (hop.TryGetPropertyValue("account", out var account))
        {
            sink.Write(AccountIdCodec.ParseWithoutTag(account, field).Bytes);
            type |= TypeAccount;
            known++;
        }

        if (hop.TryGetPropertyValue("currency", out var currency))
        {
            sink.Write(CurrencyCode.Parse(JsonInput.String(currency, field, "currency must be a string"), field).Bytes);
            type |= TypeCurrency;
            known++;
        }

        if (hop.TryGetPropertyValue("mpt_issuance_id", out var mpt))
        {
            if ((type & TypeCurrency) != 0)
            {
                throw new InvalidInputException(field, "a path hop cannot have both currency and mpt_issuance_id");
            }

            var text = JsonInput.String(mpt, field, "mpt_issuance_id must be 48 hex digits");
            var destination = sink.GetSpan(MptIssuanceIdLength);
            if (text.Length != MptIssuanceIdLength * 2 || Convert.FromHexString(text, destination, out _, out _) != OperationStatus.Done)
            {
                throw new InvalidInputException(field, "mpt_issuance_id must be 48 hex digits");
            }

            sink.Advance(MptIssuanceIdLength);
            type |= TypeMpt;
            known++;
        }

        if (hop.TryGetPropertyValue("issuer", out var issuer))
        {
            sink.Write(AccountIdCodec.ParseWithoutTag(issuer, field).Bytes);
            type |= TypeIssuer;
            known++;
        }

        if (known == 0 || known != hop.Count)
        {
            throw new InvalidInputException(field, "a path hop may only have account, currency, issuer or mpt_issuance_id");
        }

        sink.Patch(typeIndex, type);
    }

    private static JsonObject ReadHop(byte type, ref BinaryCursor cursor, string field)
    {
        if ((type & ~TypeAll) != 0 || ((type & TypeCurrency) != 0 && (type & TypeMpt) != 0))
        {
            throw new InvalidInputException(field, "has a path hop of an unknown type");
        }

        var hop = new JsonObject();
        if ((type & TypeAccount) != 0)
        {
            hop["account"] = AddressCache.ToClassicAddress(cursor.Read(AccountId.Length, field));
        }

        string? currency = null;
        string? mptIssuanceId = null;
        if ((type & TypeCurrency) != 0)
        {
            currency = CurrencyCode.FromBytes(cursor.Read(CurrencyCode.Length, field)).ToString();
        }

        if ((type & TypeMpt) != 0)
        {
            mptIssuanceId = Convert.ToHexString(cursor.Read(MptIssuanceIdLength, field));
        }

        if ((type & TypeIssuer) != 0)
        {
            hop["issuer"] = AddressCache.ToClassicAddress(cursor.Read(AccountId.Length, field));
        }

        if (currency is not null)
        {
            hop["currency"] = currency;
        }

        if (mptIssuanceId is not null)
        {
            hop["mpt_issuance_id"] = mptIssuanceId;
        }

        return hop;
    }
}
