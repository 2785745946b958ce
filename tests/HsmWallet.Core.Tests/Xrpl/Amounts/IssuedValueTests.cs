using HsmWallet.Core.Xrpl.Amounts;

namespace HsmWallet.Core.Tests.Xrpl.Amounts;

public class IssuedValueTests
{
    [Theory]
    [InlineData("1", 1_000_000_000_000_000UL, -15, false)]
    [InlineData("-1.0", 1_000_000_000_000_000UL, -15, true)]
    [InlineData("4.2", 4_200_000_000_000_000UL, -15, false)]
    [InlineData("1.5e-3", 1_500_000_000_000_000UL, -18, false)]
    [InlineData("1111111111111111", 1_111_111_111_111_111UL, 0, false)]
    [InlineData("9999999999999999e80", 9_999_999_999_999_999UL, 80, false)]
    [InlineData("1e-81", 1_000_000_000_000_000UL, -96, false)]
    public void Decimal_text_becomes_the_canonical_mantissa_and_exponent(string text, ulong mantissa, int exponent, bool negative)
    {
        var value = IssuedValue.Parse(text, "value");

        Assert.Equal(mantissa, value.Mantissa);
        Assert.Equal(exponent, value.Exponent);
        Assert.Equal(negative, value.IsNegative);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("0.000")]
    [InlineData("0e10")]
    public void Every_spelling_of_zero_is_the_one_zero(string text)
    {
        var value = IssuedValue.Parse(text, "value");

        Assert.True(value.IsZero);
        Assert.False(value.IsNegative);
        Assert.Equal("0", value.ToString());
    }

    [Theory]
    [InlineData("1.0", "1")]
    [InlineData("-0.25", "-0.25")]
    [InlineData("1230000", "1230000")]
    [InlineData("1e-81", "0.000000000000000000000000000000000000000000000000000000000000000000000000000000001")]
    [InlineData("0.05114362355976031", "0.05114362355976031")]
    public void Values_print_as_plain_decimals_like_the_reference(string text, string printed)
    {
        Assert.Equal(printed, IssuedValue.Parse(text, "value").ToString());
    }

    [Theory]
    [InlineData("1111111111111111.1")]
    [InlineData("1e96")]
    [InlineData("9999999999999999e81")]
    [InlineData("1e-82")]
    [InlineData("abc")]
    [InlineData("1.5.5")]
    [InlineData("0x10")]
    [InlineData(" 1")]
    [InlineData("")]
    [InlineData("Infinity")]
    [InlineData(".5")]
    [InlineData("1e99999999999999999999")]
    public void Values_the_ledger_cannot_hold_exactly_are_refused(string text)
    {
        Assert.Equal("LimitAmount", Assert.Throws<InvalidInputException>(() => IssuedValue.Parse(text, "LimitAmount")).Field);
    }

    [Fact]
    public void The_eight_byte_form_round_trips_and_rejects_non_canonical_bytes()
    {
        var value = IssuedValue.Parse("-123.45", "value");
        Span<byte> bytes = stackalloc byte[8];
        value.WriteTo(bytes);

        Assert.Equal(value, IssuedValue.FromBytes(bytes, "value"));
        Assert.Throws<InvalidInputException>(() => IssuedValue.FromBytes(Convert.FromHexString("D483000000000001"), "value"));
        Assert.Throws<InvalidInputException>(() => IssuedValue.FromBytes(Convert.FromHexString("4000000000000001"), "value"));
    }
}
