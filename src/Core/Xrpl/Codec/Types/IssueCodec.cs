using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Amounts;
using HsmWallet.Core.Xrpl.Codec.Binary;
using HsmWallet.Core.Xrpl.Codec.Definitions;
using HsmWallet.Core.Xrpl.Codec.Serialization;

namespace HsmWallet.Core.Xrpl.Codec.Types;

/// <summary>
/// Issue: an asset without an amount. XRP is 20 zero bytes; an issued currency is currency then issuer
/// (40 bytes); an MPT is its issuer, the marker account 0...01 and its sequence little-endian (44 bytes).
/// </summary>
internal static class IssueCodec
{
    private const string Shape =
        "must be {currency: \"XRP\"}, {currency, issuer} for an issued currency, or {mpt_issuance_id} for an MPT";

    private const int MptIssuanceIdLength = 24;

    /// <summary>Writes any of the three shapes.</summary>
    public static void Write(FieldDefinition field, JsonNode value, ByteSink sink) =>
        WriteIssue(JsonInput.Object(value, field.Name, Shape), field.Name, sink);

    /// <summary>Writes an issue given as a JSON object; shared with the bridge type.</summary>
    public static void WriteIssue(JsonObject issue, string field, ByteSink sink)
    {
        if (issue.Count == 1 && issue.ContainsKey("currency"))
        {
            var currency = CurrencyCode.Parse(JsonInput.String(issue["currency"], field, "currency must be a string"), field);
            if (!currency.IsXrp)
            {
                throw new InvalidInputException(field, "an issued currency needs its issuer");
            }

            sink.Write(currency.Bytes);
            return;
        }

        if (issue.Count == 2 && issue.ContainsKey("currency") && issue.ContainsKey("issuer"))
        {
            var currency = CurrencyCode.ParseIssued(JsonInput.String(issue["currency"], field, "currency must be a string"), field);
            var issuer = AccountIdCodec.ParseWithoutTag(issue["issuer"], field);
            sink.Write(currency.Bytes);
            sink.Write(issuer.Bytes);
            return;
        }

        if (issue.Count == 1 && issue.ContainsKey("mpt_issuance_id"))
        {
            var text = JsonInput.String(issue["mpt_issuance_id"], field, "mpt_issuance_id must be 48 hex digits");
            Span<byte> id = stackalloc byte[MptIssuanceIdLength];
            if (text.Length != MptIssuanceIdLength * 2 || Convert.FromHexString(text, id, out _, out _) != OperationStatus.Done)
            {
                throw new InvalidInputException(field, "mpt_issuance_id must be 48 hex digits");
            }

            // The id is sequence (big-endian) then issuer; the Issue stores issuer, marker, sequence (little-endian).
            sink.Write(id[4..]);
            sink.Write(NoAccount);
            var sequence = sink.GetSpan(4);
            BinaryPrimitives.WriteUInt32LittleEndian(sequence, BinaryPrimitives.ReadUInt32BigEndian(id));
            sink.Advance(4);
            return;
        }

        throw new InvalidInputException(field, Shape);
    }

    /// <summary>Reads an issue in the reference's JSON form.</summary>
    public static JsonObject Read(ref BinaryCursor cursor, string field)
    {
        var currencyOrIssuer = cursor.Read(CurrencyCode.Length, field);
        if (!currencyOrIssuer.ContainsAnyExcept((byte)0))
        {
            return new JsonObject { ["currency"] = "XRP" };
        }

        var second = cursor.Read(AccountId.Length, field);
        if (second.SequenceEqual(NoAccount))
        {
            var sequence = BinaryPrimitives.ReadUInt32LittleEndian(cursor.Read(4, field));
            Span<byte> id = stackalloc byte[MptIssuanceIdLength];
            BinaryPrimitives.WriteUInt32BigEndian(id, sequence);
            currencyOrIssuer.CopyTo(id[4..]);
            return new JsonObject { ["mpt_issuance_id"] = Convert.ToHexString(id) };
        }

        return new JsonObject
        {
            ["currency"] = CurrencyCode.FromBytes(currencyOrIssuer).ToString(),
            ["issuer"] = AddressCache.ToClassicAddress(second),
        };
    }

    /// <summary>The account 0...01 that marks an MPT issue (no real account has it).</summary>
    private static ReadOnlySpan<byte> NoAccount => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
}
