using HsmWallet.Core.Xrpl.Amounts;

namespace HsmWallet.Core.Tests.Xrpl.Amounts;

public class CurrencyCodeTests
{
    [Theory]
    [InlineData("USD", "0000000000000000000000005553440000000000")]
    [InlineData("usd", "0000000000000000000000007573640000000000")]
    [InlineData("$?!", "000000000000000000000000243F210000000000")]
    [InlineData("0158415500000000C1F76FF6ECB0BAC600000000", "0158415500000000C1F76FF6ECB0BAC600000000")]
    [InlineData("0158415500000000c1f76ff6ecb0bac600000000", "0158415500000000C1F76FF6ECB0BAC600000000")]
    public void Codes_become_their_twenty_bytes(string text, string hex)
    {
        Assert.Equal(hex, Convert.ToHexString(CurrencyCode.ParseIssued(text, "currency").Bytes));
    }

    [Theory]
    [InlineData("XRP")]
    [InlineData("0000000000000000000000000000000000000000")]
    public void XRP_is_refused_as_an_issued_currency_but_accepted_as_an_asset(string text)
    {
        Assert.Equal("currency", Assert.Throws<InvalidInputException>(() => CurrencyCode.ParseIssued(text, "currency")).Field);
        Assert.True(CurrencyCode.Parse(text, "currency").IsXrp);
    }

    [Theory]
    [InlineData("US")]
    [InlineData("USDT")]
    [InlineData("U D")]
    [InlineData("U.D")]
    [InlineData("")]
    [InlineData("0158415500000000C1F76FF6ECB0BAC60000000")]
    [InlineData("0158415500000000C1F76FF6ECB0BAC60000000G")]
    [InlineData("0000000000000000000000005852500000000000")]
    public void Malformed_codes_are_refused(string text)
    {
        Assert.Equal("currency", Assert.Throws<InvalidInputException>(() => CurrencyCode.Parse(text, "currency")).Field);
    }

    [Theory]
    [InlineData("0000000000000000000000005553440000000000", "USD")]
    [InlineData("0000000000000000000000000000000000000000", "XRP")]
    [InlineData("0158415500000000C1F76FF6ECB0BAC600000000", "0158415500000000C1F76FF6ECB0BAC600000000")]
    [InlineData("0000000000000000000000005852500000000000", "0000000000000000000000005852500000000000")]
    [InlineData("0000000000000000000000005553440000000001", "0000000000000000000000005553440000000001")]
    public void Bytes_print_as_the_reference_prints_them(string hex, string printed)
    {
        Assert.Equal(printed, CurrencyCode.FromBytes(Convert.FromHexString(hex)).ToString());
    }
}
