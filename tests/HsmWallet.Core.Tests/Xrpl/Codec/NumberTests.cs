using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Codec;

namespace HsmWallet.Core.Tests.Xrpl.Codec;

public class NumberTests
{
    // AssetsMaximum is a Number field: header 0x93 (type 9, nth 3).
    [Theory]
    [InlineData("0", "000000000000000080000000")]
    [InlineData("-0", "000000000000000080000000")]
    [InlineData("0.000", "000000000000000080000000")]
    [InlineData("1", "0DE0B6B3A7640000FFFFFFEE")]
    [InlineData("-1", "F21F494C589C0000FFFFFFEE")]
    [InlineData("9223372036854775807", "7FFFFFFFFFFFFFFF00000000")]
    [InlineData("9223372036854775808", "0CCCCCCCCCCCCCCD00000001")]
    [InlineData("9223372036854775900", "0CCCCCCCCCCCCCD600000001")]
    [InlineData("9999999999999999e80", "0DE0B6B3A763FF9C0000004E")]
    [InlineData("99e20", "0DBD2FC137A3000000000004")]
    [InlineData("12347865.746832746", "1122D7D8F56AFD68FFFFFFF5")]
    [InlineData("1.2345678901234567895", "112210F47DE98116FFFFFFEE")]
    [InlineData("1.2345678901234567885", "112210F47DE98114FFFFFFEE")]
    [InlineData("+7.1e2", "62884461F1460000FFFFFFF0")]
    public void Numbers_normalize_and_round_as_rippled_does(string text, string expectedHex)
    {
        var encoded = XrplBinaryCodec.Encode(new JsonObject { ["AssetsMaximum"] = text });

        Assert.Equal("93" + expectedHex, Convert.ToHexString(encoded));
    }

    [Theory]
    [InlineData("0DE0B6B3A7640000FFFFFFEE", "1")]
    [InlineData("00038D7EA4C68000FFFFFFF1", "1")]
    [InlineData("F21F494C589C0000FFFFFFEE", "-1")]
    [InlineData("000000000000000080000000", "0")]
    [InlineData("0000000000000000FFFFFFFF", "0")]
    [InlineData("0CCCCCCCCCCCCCD600000001", "9223372036854775900")]
    [InlineData("0DE0B6B3A763FF9C0000004E", "9999999999999999e80")]
    [InlineData("0DBD2FC137A3000000000004", "99e20")]
    [InlineData("1122D7D8F56AFD68FFFFFFF5", "12347865.746832746")]
    [InlineData("0000000000000001FFFFFFE0", "1e-32")]
    [InlineData("0000000000000005FFFFFFEB", "5e-21")]
    [InlineData("0000000000000005FFFFFFF7", "0.000000005")]
    [InlineData("FFFFFFFFFFFFFFF6FFFFFFFF", "-1")]
    [InlineData("7FFFFFFFFFFFFFFF00000000", "9223372036854775807")]
    public void Numbers_print_as_rippled_prints_them(string hex, string text)
    {
        var decoded = XrplBinaryCodec.Decode(Convert.FromHexString("93" + hex));

        Assert.Equal(text, (string)decoded["AssetsMaximum"]!);
    }

    [Fact]
    public void A_mantissa_beyond_the_signed_range_is_refused_when_read()
    {
        Assert.Throws<InvalidInputException>(() => XrplBinaryCodec.Decode(Convert.FromHexString("938000000000000000FFFFFFFF")));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("-12.5")]
    [InlineData("123456789012345678")]
    [InlineData("0.000000001")]
    [InlineData("1e100")]
    [InlineData("-3.14159e-50")]
    public void A_number_survives_encode_decode_encode(string text)
    {
        var first = XrplBinaryCodec.Encode(new JsonObject { ["AssetsMaximum"] = text });
        var printed = XrplBinaryCodec.Decode(first);

        Assert.Equal(first, XrplBinaryCodec.Encode(printed));
    }

    [Theory]
    [InlineData("1e40000")]
    [InlineData("abc")]
    [InlineData("1.")]
    [InlineData("")]
    public void Numbers_out_of_range_or_malformed_are_refused(string text)
    {
        var error = Assert.Throws<InvalidInputException>(() => XrplBinaryCodec.Encode(new JsonObject { ["AssetsMaximum"] = text }));

        Assert.Equal("AssetsMaximum", error.Field);
    }
}
