using HsmWallet.Core.Xrpl.Amounts;

namespace HsmWallet.Core.Tests.Xrpl.Amounts;

public class XrpAmountTests
{
    [Theory]
    [InlineData("1", 1_000_000UL)]
    [InlineData("0.000001", 1UL)]
    [InlineData("1.5", 1_500_000UL)]
    [InlineData("12.345678", 12_345_678UL)]
    [InlineData("007", 7_000_000UL)]
    [InlineData("100000000000", 100_000_000_000_000_000UL)]
    [InlineData("99999999999.999999", 99_999_999_999_999_999UL)]
    public void XRP_text_becomes_the_exact_number_of_drops(string text, ulong drops)
    {
        Assert.Equal(drops, XrpAmount.ParseXrp(text, "Amount").Drops);
    }

    [Theory]
    [InlineData("1.0000001", "must not have more than 6 decimal places")]
    [InlineData("-1", "must not be negative")]
    [InlineData("+1", "must not have a sign")]
    [InlineData("0x10", "must be decimal, not hexadecimal")]
    [InlineData("1e6", "must not use exponent notation")]
    [InlineData("1E6", "must not use exponent notation")]
    [InlineData("100000000000.000001", "must not exceed 100000000000 XRP (the total supply)")]
    [InlineData("1000000000000", "must not exceed 100000000000 XRP (the total supply)")]
    [InlineData("", "must not be empty")]
    [InlineData(" 1", "must not contain spaces")]
    [InlineData("1 000", "must not contain spaces")]
    [InlineData("0", "must be at least 1 drop (0.000001 XRP)")]
    [InlineData("0.0000000", "must not have more than 6 decimal places")]
    [InlineData("1.", "must be a plain decimal number such as 12 or 0.5")]
    [InlineData(".5", "must be a plain decimal number such as 12 or 0.5")]
    [InlineData("1.2.3", "must be a plain decimal number such as 12 or 0.5")]
    [InlineData("1,5", "must contain only digits and at most one decimal point")]
    [InlineData("NaN", "must contain only digits and at most one decimal point")]
    public void Bad_XRP_text_is_refused_with_a_rule_naming_the_field(string text, string rule)
    {
        var error = Assert.Throws<InvalidInputException>(() => XrpAmount.ParseXrp(text, "Amount"));

        Assert.Equal("Amount", error.Field);
        Assert.Equal($"Amount: {rule}", error.Message);
    }

    [Fact]
    public void An_XRP_error_never_echoes_the_value()
    {
        var error = Assert.Throws<InvalidInputException>(() => XrpAmount.ParseXrp("123456.1234567", "Amount"));

        Assert.DoesNotContain("123456", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1", 1UL)]
    [InlineData("100000000000000000", 100_000_000_000_000_000UL)]
    [InlineData("000012", 12UL)]
    public void Drops_text_is_read_exactly(string text, ulong drops)
    {
        Assert.Equal(drops, XrpAmount.ParseDrops(text, "Fee").Drops);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1.5")]
    [InlineData("-5")]
    [InlineData("100000000000000001")]
    [InlineData("99999999999999999999999")]
    [InlineData("1e3")]
    [InlineData("")]
    public void Bad_drops_text_is_refused(string text)
    {
        Assert.Equal("Fee", Assert.Throws<InvalidInputException>(() => XrpAmount.ParseDrops(text, "Fee")).Field);
    }

    [Fact]
    public void Zero_drops_are_accepted_only_where_the_caller_allows_them()
    {
        Assert.Equal(0UL, XrpAmount.ParseDrops("0", "Fee", allowZero: true).Drops);
        Assert.Throws<InvalidInputException>(() => XrpAmount.ParseDrops("0", "Fee"));
    }

    [Theory]
    [InlineData(1UL, "0.000001")]
    [InlineData(1_000_000UL, "1")]
    [InlineData(1_500_000UL, "1.5")]
    [InlineData(100_000_000_000_000_000UL, "100000000000")]
    [InlineData(0UL, "0")]
    public void Drops_print_as_XRP_without_trailing_zeros(ulong drops, string xrp)
    {
        var amount = XrpAmount.FromDrops(drops, "Amount");

        Assert.Equal(xrp, amount.ToXrpString());
        if (drops > 0)
        {
            Assert.Equal(amount, XrpAmount.ParseXrp(xrp, "Amount"));
        }
    }

    [Fact]
    public void Amounts_compare_by_drops()
    {
        var small = XrpAmount.ParseDrops("10", "a");
        var large = XrpAmount.ParseXrp("1", "b");

        Assert.True(small < large);
        Assert.True(large >= small);
        Assert.Equal(-1, small.CompareTo(large));
    }
}
