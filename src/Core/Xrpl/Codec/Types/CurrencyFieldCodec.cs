using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Amounts;
using HsmWallet.Core.Xrpl.Codec.Binary;
using HsmWallet.Core.Xrpl.Codec.Definitions;
using HsmWallet.Core.Xrpl.Codec.Serialization;

namespace HsmWallet.Core.Xrpl.Codec.Types;

/// <summary>Currency: a bare 20-byte currency code ("XRP", "USD" or 40 hex digits).</summary>
internal static class CurrencyFieldCodec
{
    /// <summary>Writes the code.</summary>
    public static void Write(FieldDefinition field, JsonNode value, ByteSink sink) =>
        sink.Write(CurrencyCode.Parse(JsonInput.String(value, field.Name, "must be a currency code"), field.Name).Bytes);

    /// <summary>Reads the code in its JSON form.</summary>
    public static JsonNode Read(FieldDefinition field, ref BinaryCursor cursor) =>
        JsonValue.Create(CurrencyCode.FromBytes(cursor.Read(CurrencyCode.Length, field.Name)).ToString());
}
