using HsmWallet.Core.Xrpl.Codec.Binary;
using HsmWallet.Core.Xrpl.Codec.Definitions;

namespace HsmWallet.Core.Tests.Xrpl.Codec;

public class BinaryFormatTests
{
    [Theory]
    [InlineData(1, 2, "12")]
    [InlineData(2, 16, "2010")]
    [InlineData(16, 1, "0110")]
    [InlineData(16, 16, "001010")]
    [InlineData(15, 255, "F0FF")]
    [InlineData(255, 15, "0FFF")]
    public void Field_headers_pack_into_one_to_three_bytes(int typeCode, int nth, string hex)
    {
        var header = FieldHeader.Encode(typeCode, nth);
        var cursor = new BinaryCursor(header);

        Assert.Equal(hex, Convert.ToHexString(header));
        Assert.Equal((typeCode << 16) | nth, FieldHeader.Read(ref cursor));
        Assert.True(cursor.AtEnd);
    }

    [Theory]
    [InlineData("0001")]
    [InlineData("100F")]
    [InlineData("000101")]
    public void Non_canonical_field_headers_are_refused(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        Assert.Throws<InvalidInputException>(() =>
        {
            var cursor = new BinaryCursor(bytes);
            FieldHeader.Read(ref cursor);
        });
    }

    [Theory]
    [InlineData(0, "00")]
    [InlineData(192, "C0")]
    [InlineData(193, "C100")]
    [InlineData(12_480, "F0FF")]
    [InlineData(12_481, "F10000")]
    [InlineData(918_744, "FED417")]
    public void Length_prefixes_take_one_two_or_three_bytes_at_the_reference_boundaries(int length, string hex)
    {
        Span<byte> buffer = stackalloc byte[3];
        var written = VariableLength.Encode(length, buffer, "Blob");
        var bytes = buffer[..written].ToArray();
        var cursor = new BinaryCursor(bytes);

        Assert.Equal(hex, Convert.ToHexString(bytes));
        Assert.Equal(length, VariableLength.Read(ref cursor, "Blob"));
    }

    [Fact]
    public void A_length_beyond_three_bytes_is_refused()
    {
        var buffer = new byte[3];
        Assert.Throws<InvalidInputException>(() => VariableLength.Encode(918_745, buffer, "Blob"));
        Assert.Throws<InvalidInputException>(() =>
        {
            var cursor = new BinaryCursor([0xFF]);
            VariableLength.Read(ref cursor, "Blob");
        });
    }

    [Fact]
    public void Every_serialized_field_in_the_table_has_a_header_that_reads_back_to_it()
    {
        var definitions = XrplDefinitions.Instance;
        var serialized = definitions.FieldsByName.Values.Where(field => field.IsSerialized && field.Header.Length > 0).ToList();

        Assert.NotEmpty(serialized);
        foreach (var field in serialized)
        {
            var cursor = new BinaryCursor(field.Header);
            Assert.Same(field, definitions.FieldsByOrdinal[FieldHeader.Read(ref cursor)]);
        }
    }

    [Fact]
    public void Every_type_the_table_uses_for_a_serialized_field_is_supported()
    {
        var unsupported = XrplDefinitions.Instance.FieldsByName.Values
            .Where(field => field.IsSerialized && field.Kind == FieldKind.Unsupported)
            .Select(field => field.Name)
            .Order(StringComparer.Ordinal);

        Assert.Equal(["ArrayEndMarker", "Generic", "ObjectEndMarker"], unsupported);
    }
}
