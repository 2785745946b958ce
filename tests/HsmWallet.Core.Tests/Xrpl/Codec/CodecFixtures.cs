using System.Text.Json.Nodes;

namespace HsmWallet.Core.Tests.Xrpl.Codec;

/// <summary>The reference implementation's codec vectors, loaded once for every theory that uses them.</summary>
internal static class CodecFixtures
{
    private static readonly Lazy<JsonNode> Codec = new(() => XrplFixtures.Load("codec-fixtures.json"));
    private static readonly Lazy<JsonNode> DataDriven = new(() => XrplFixtures.Load("data-driven-tests.json"));
    private static readonly Lazy<JsonNode> XCodec = new(() => XrplFixtures.Load("x-codec-fixtures.json"));

    public static JsonArray CodecSection(string name) => Codec.Value[name]!.AsArray();

    public static JsonArray DataDrivenSection(string name) => DataDriven.Value[name]!.AsArray();

    public static JsonArray XCodecTransactions => XCodec.Value["transactions"]!.AsArray();

    public static TheoryData<int> Indexes(JsonArray array)
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < array.Count; i++)
        {
            data.Add(i);
        }

        return data;
    }

    public static void AssertJsonEqual(JsonNode? expected, JsonNode? actual) =>
        Assert.True(
            JsonNode.DeepEquals(expected, actual),
            $"JSON differs.\nExpected: {expected?.ToJsonString()}\nActual:   {actual?.ToJsonString()}");
}
