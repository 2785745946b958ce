using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Codec.Binary;
using HsmWallet.Core.Xrpl.Codec.Definitions;
using HsmWallet.Core.Xrpl.Codec.Types;

namespace HsmWallet.Core.Tests.Xrpl.Codec;

/// <summary>
/// Types the table names but no current field uses (Int64, Hash384, Hash512, UInt96): exercised
/// through made-up fields so a future amendment that adds such a field already works.
/// </summary>
public class UnusedTypeTests
{
    [Theory]
    [InlineData("Hash384", 48)]
    [InlineData("Hash512", 64)]
    [InlineData("UInt96", 12)]
    public void Wide_fixed_hex_types_write_and_read_exactly_their_width(string typeName, int width)
    {
        var field = new FieldDefinition("Made" + typeName, typeName, 22, 1, false, true, true, FieldKind.FixedHex, width);
        var hex = string.Concat(Enumerable.Range(0, width).Select(i => ((byte)(i * 7)).ToString("X2")));
        var sink = new ByteSink();

        FixedHexCodec.Write(field, JsonValue.Create(hex.ToLowerInvariant()), sink);
        var bytes = sink.ToArray();
        var cursor = new BinaryCursor(bytes);

        Assert.Equal(hex, Convert.ToHexString(bytes));
        Assert.Equal(hex, (string)FixedHexCodec.Read(field, ref cursor)!);
        Assert.Throws<InvalidInputException>(() => FixedHexCodec.Write(field, JsonValue.Create(hex[2..]), new ByteSink()));
    }

    [Theory]
    [InlineData("-1", "FFFFFFFFFFFFFFFF", -1L)]
    [InlineData("9223372036854775807", "7FFFFFFFFFFFFFFF", long.MaxValue)]
    [InlineData("-9223372036854775808", "8000000000000000", long.MinValue)]
    public void Int64_writes_twos_complement_and_reads_back(string text, string hex, long value)
    {
        var field = new FieldDefinition("MadeInt64", "Int64", 11, 1, false, true, true, FieldKind.Int64, 0);
        var fromText = new ByteSink();
        var fromNumber = new ByteSink();

        SignedIntegerCodec.WriteInt64(field, JsonValue.Create(text), fromText);
        SignedIntegerCodec.WriteInt64(field, JsonValue.Create(value), fromNumber);
        var bytes = fromText.ToArray();
        var cursor = new BinaryCursor(bytes);

        Assert.Equal(hex, Convert.ToHexString(bytes));
        Assert.Equal(bytes, fromNumber.ToArray());
        Assert.Equal(value, (long)SignedIntegerCodec.ReadInt64(field, ref cursor)!);
    }

    [Fact]
    public void The_reference_definitions_fixture_parses_to_the_same_table_as_the_embedded_copy()
    {
        using var stream = File.OpenRead(XrplFixtures.PathOf("definitions.json"));
        var shared = XrplDefinitions.Parse(stream);
        var embedded = XrplDefinitions.Instance;

        Assert.Equal(embedded.FieldsByName.Count, shared.FieldsByName.Count);
        foreach (var (name, field) in embedded.FieldsByName)
        {
            Assert.Equal(field.Ordinal, shared.FieldsByName[name].Ordinal);
            Assert.Equal(field.Kind, shared.FieldsByName[name].Kind);
        }
    }
}
