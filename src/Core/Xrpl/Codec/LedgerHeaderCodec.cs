using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Codec.Binary;
using HsmWallet.Core.Xrpl.Codec.Serialization;

namespace HsmWallet.Core.Xrpl.Codec;

/// <summary>
/// A ledger header (not an STObject): fixed-position fields, as the reference's decodeLedgerData
/// reads them. Lets the wallet check a server's claim about a ledger against its hash.
/// </summary>
internal static class LedgerHeaderCodec
{
    /// <summary>The size of a serialized header.</summary>
    public const int Length = 4 + 8 + (32 * 3) + 4 + 4 + 1 + 1;

    /// <summary>Encodes the header's JSON form.</summary>
    public static byte[] Encode(JsonObject header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var sink = new ByteSink(Length);
        sink.WriteUInt32((uint)JsonInput.Integer(header["ledger_index"], "ledger_index", 0, uint.MaxValue));
        var coins = JsonInput.String(header["total_coins"], "total_coins", "must be drops as a decimal string");
        if (!ulong.TryParse(coins, NumberStyles.None, CultureInfo.InvariantCulture, out var totalCoins))
        {
            throw new InvalidInputException("total_coins", "must be drops as a decimal string");
        }

        sink.WriteUInt64(totalCoins);
        WriteHash(header, "parent_hash", sink);
        WriteHash(header, "transaction_hash", sink);
        WriteHash(header, "account_hash", sink);
        sink.WriteUInt32((uint)JsonInput.Integer(header["parent_close_time"], "parent_close_time", 0, uint.MaxValue));
        sink.WriteUInt32((uint)JsonInput.Integer(header["close_time"], "close_time", 0, uint.MaxValue));
        sink.WriteByte((byte)JsonInput.Integer(header["close_time_resolution"], "close_time_resolution", 0, byte.MaxValue));
        sink.WriteByte((byte)JsonInput.Integer(header["close_flags"], "close_flags", 0, byte.MaxValue));
        return sink.ToArray();
    }

    /// <summary>Decodes a header into the reference's JSON form.</summary>
    public static JsonObject Decode(ReadOnlySpan<byte> binary)
    {
        if (binary.Length != Length)
        {
            throw new InvalidInputException("binary", "a ledger header is 118 bytes");
        }

        return new JsonObject
        {
            ["ledger_index"] = BinaryPrimitives.ReadUInt32BigEndian(binary),
            ["total_coins"] = BinaryPrimitives.ReadUInt64BigEndian(binary[4..]).ToString(CultureInfo.InvariantCulture),
            ["parent_hash"] = Convert.ToHexString(binary.Slice(12, 32)),
            ["transaction_hash"] = Convert.ToHexString(binary.Slice(44, 32)),
            ["account_hash"] = Convert.ToHexString(binary.Slice(76, 32)),
            ["parent_close_time"] = BinaryPrimitives.ReadUInt32BigEndian(binary[108..]),
            ["close_time"] = BinaryPrimitives.ReadUInt32BigEndian(binary[112..]),
            ["close_time_resolution"] = (uint)binary[116],
            ["close_flags"] = (uint)binary[117],
        };
    }

    private static void WriteHash(JsonObject header, string name, ByteSink sink)
    {
        var text = JsonInput.String(header[name], name, "must be 64 hex digits");
        if (text.Length != 64)
        {
            throw new InvalidInputException(name, "must be 64 hex digits");
        }

        JsonInput.WriteHex(text, sink, name, "must be 64 hex digits");
    }
}
