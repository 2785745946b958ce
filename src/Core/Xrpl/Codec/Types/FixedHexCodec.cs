using System.Globalization;
using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Codec.Binary;
using HsmWallet.Core.Xrpl.Codec.Definitions;
using HsmWallet.Core.Xrpl.Codec.Serialization;

namespace HsmWallet.Core.Xrpl.Codec.Types;

/// <summary>Hash128 to Hash512 and UInt96: exactly so many bytes, written as hex of exactly that length.</summary>
internal static class FixedHexCodec
{
    /// <summary>Writes the bytes; any other length is refused rather than padded.</summary>
    public static void Write(FieldDefinition field, JsonNode value, ByteSink sink)
    {
        var rule = string.Create(CultureInfo.InvariantCulture, $"must be exactly {field.Width * 2} hex digits");
        var text = JsonInput.String(value, field.Name, rule);
        if (text.Length != field.Width * 2)
        {
            throw new InvalidInputException(field.Name, rule);
        }

        JsonInput.WriteHex(text, sink, field.Name, rule);
    }

    /// <summary>Reads the bytes as uppercase hex.</summary>
    public static JsonNode Read(FieldDefinition field, ref BinaryCursor cursor) =>
        JsonValue.Create(Convert.ToHexString(cursor.Read(field.Width, field.Name)));
}
