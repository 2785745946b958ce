using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Codec.Binary;
using HsmWallet.Core.Xrpl.Codec.Definitions;
using HsmWallet.Core.Xrpl.Codec.Serialization;

namespace HsmWallet.Core.Xrpl.Codec.Types;

/// <summary>Blob: arbitrary bytes (keys, signatures, memos, domains), written as hex.</summary>
internal static class BlobCodec
{
    private const string Rule = "must be hex text with an even number of digits";

    /// <summary>Writes the bytes (the caller adds the length prefix).</summary>
    public static void Write(FieldDefinition field, JsonNode value, ByteSink sink) =>
        JsonInput.WriteHex(JsonInput.String(value, field.Name, Rule), sink, field.Name, Rule);

    /// <summary>Reads every remaining byte of the field as uppercase hex.</summary>
    public static JsonNode Read(ref BinaryCursor cursor, string field) =>
        JsonValue.Create(Convert.ToHexString(cursor.Read(cursor.Remaining, field)));
}
