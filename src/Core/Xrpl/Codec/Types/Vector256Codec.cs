using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Codec.Binary;
using HsmWallet.Core.Xrpl.Codec.Definitions;
using HsmWallet.Core.Xrpl.Codec.Serialization;

namespace HsmWallet.Core.Xrpl.Codec.Types;

/// <summary>Vector256: a list of 256-bit hashes (amendments, offers, credentials), each 64 hex digits.</summary>
internal static class Vector256Codec
{
    private const int HashLength = 32;
    private const string Rule = "must be an array of 64-hex-digit hashes";

    /// <summary>Writes the hashes back to back (the caller adds the length prefix).</summary>
    public static void Write(FieldDefinition field, JsonNode value, ByteSink sink)
    {
        foreach (var item in JsonInput.Array(value, field.Name, Rule))
        {
            var text = JsonInput.String(item, field.Name, Rule);
            if (text.Length != HashLength * 2)
            {
                throw new InvalidInputException(field.Name, Rule);
            }

            JsonInput.WriteHex(text, sink, field.Name, Rule);
        }
    }

    /// <summary>Reads every remaining byte as hashes.</summary>
    public static JsonNode Read(ref BinaryCursor cursor, string field)
    {
        if (cursor.Remaining % HashLength != 0)
        {
            throw new InvalidInputException(field, "has a length that is not a whole number of 32-byte hashes");
        }

        var array = new JsonArray();
        while (!cursor.AtEnd)
        {
            array.Add((JsonNode)Convert.ToHexString(cursor.Read(HashLength, field)));
        }

        return array;
    }
}
