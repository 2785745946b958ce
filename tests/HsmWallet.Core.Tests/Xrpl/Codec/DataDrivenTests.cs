using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Codec;
using HsmWallet.Core.Xrpl.Codec.Definitions;

namespace HsmWallet.Core.Tests.Xrpl.Codec;

public class DataDrivenTests
{
    public static TheoryData<int> Types => CodecFixtures.Indexes(CodecFixtures.DataDrivenSection("types"));

    public static TheoryData<int> Fields => CodecFixtures.Indexes(CodecFixtures.DataDrivenSection("fields_tests"));

    public static TheoryData<int> WholeObjects => CodecFixtures.Indexes(CodecFixtures.DataDrivenSection("whole_objects"));

    public static TheoryData<int> Values => CodecFixtures.Indexes(CodecFixtures.DataDrivenSection("values_tests"));

    [Theory]
    [MemberData(nameof(Types))]
    public void Every_reference_type_has_the_reference_ordinal(int index)
    {
        var fixture = CodecFixtures.DataDrivenSection("types")[index]!;
        Assert.Equal((int)fixture["ordinal"]!, XrplDefinitions.Instance.TypeCodes[(string)fixture["name"]!]);
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public void Every_reference_field_has_the_reference_header(int index)
    {
        var fixture = CodecFixtures.DataDrivenSection("fields_tests")[index]!;
        var field = XrplDefinitions.Instance.FieldsByName[(string)fixture["name"]!];

        Assert.Equal((string)fixture["type_name"]!, field.TypeName);
        Assert.Equal((int)fixture["type"]!, field.TypeCode);
        Assert.Equal((int)fixture["nth_of_type"]!, field.Nth);
        Assert.Equal((string)fixture["expected_hex"]!, Convert.ToHexString(field.Header));
    }

    [Theory]
    [MemberData(nameof(WholeObjects))]
    public void Every_field_of_the_reference_objects_encodes_to_header_length_and_value(int index)
    {
        var fixture = CodecFixtures.DataDrivenSection("whole_objects")[index]!;
        foreach (var entry in fixture["fields"]!.AsArray())
        {
            var name = (string)entry![0]!;
            var expected = entry[1]!;
            var binary = string.Concat(expected["binary"]!.AsArray().Select(part => (string)part!));
            var single = new JsonObject { [name] = expected["json"]!.DeepClone() };

            // The fixture lists an array's elements but not the 0xF1 that closes the array.
            var arrayEnd = XrplDefinitions.Instance.FieldsByName[name].Kind == FieldKind.StArray ? "F1" : string.Empty;
            var encoded = Convert.ToHexString(XrplBinaryCodec.Encode(single));

            Assert.Equal((string)expected["field_header"]! + ((string?)expected["vl_length"] ?? string.Empty) + binary + arrayEnd, encoded);
        }
    }

    [Theory]
    [MemberData(nameof(WholeObjects))]
    public void Every_reference_object_encodes_whole_and_decodes_back(int index)
    {
        var fixture = CodecFixtures.DataDrivenSection("whole_objects")[index]!;
        var json = fixture["tx_json"]!.AsObject();
        var blob = (string)fixture["blob_with_no_signing"]!;

        Assert.Equal(blob, Convert.ToHexString(XrplBinaryCodec.Encode(json)));
        CodecFixtures.AssertJsonEqual(json, XrplBinaryCodec.Decode(Convert.FromHexString(blob)));
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void Every_reference_amount_value_encodes_as_expected_or_is_refused(int index)
    {
        var fixture = CodecFixtures.DataDrivenSection("values_tests")[index]!;
        var json = new JsonObject { ["Amount"] = fixture["test_json"]!.DeepClone() };

        if (fixture["error"] is not null)
        {
            var error = Assert.Throws<InvalidInputException>(() => XrplBinaryCodec.Encode(json));
            Assert.Equal("Amount", error.Field);
            return;
        }

        var expectedHex = (string)fixture["expected_hex"]!;
        var encoded = XrplBinaryCodec.Encode(json);
        Assert.Equal("61" + expectedHex, Convert.ToHexString(encoded));
    }
}
