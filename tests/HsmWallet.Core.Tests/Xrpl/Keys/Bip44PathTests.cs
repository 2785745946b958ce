using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.Core.Tests.Xrpl.Keys;

public class Bip44PathTests
{
    [Theory]
    [InlineData("m/44'/144'/0'/0/0", 0u, 0u)]
    [InlineData("m/44'/144'/3'/0/17", 3u, 17u)]
    [InlineData("m/44'/144'/2147483647'/0/2147483647", 2147483647u, 2147483647u)]
    public void A_well_formed_path_parses_and_prints_back_unchanged(string text, uint account, uint index)
    {
        var path = Bip44Path.Parse(text);

        Assert.Equal(account, path.Account);
        Assert.Equal(index, path.Index);
        Assert.Equal(text, path.ToString());
        Assert.True(Bip44Path.TryParse(text, out var again));
        Assert.Equal(path, again);
    }

    [Fact]
    public void The_default_path_is_account_0_index_0()
    {
        Assert.Equal("m/44'/144'/0'/0/0", Bip44Path.Default.ToString());
        Assert.Equal(Bip44Path.Parse("m/44'/144'/0'/0/0"), Bip44Path.Default);
    }

    [Theory]
    [InlineData("")]
    [InlineData("m/44'/144'/0'/0")]
    [InlineData("m/44'/144'/0'/0/0/0")]
    [InlineData("m/44'/144'/0/0/0")]
    [InlineData("m/44'/144'/0'/1/0")]
    [InlineData("m/44'/144'/0'/0/0'")]
    [InlineData("m/44'/0'/0'/0/0")]
    [InlineData("m/49'/144'/0'/0/0")]
    [InlineData("m/44h/144h/0h/0/0")]
    [InlineData("M/44'/144'/0'/0/0")]
    [InlineData(" m/44'/144'/0'/0/0")]
    [InlineData("m/44'/144'/01'/0/0")]
    [InlineData("m/44'/144'/0'/0/007")]
    [InlineData("m/44'/144'/2147483648'/0/0")]
    [InlineData("m/44'/144'/0'/0/2147483648")]
    [InlineData("m/44'/144'/0'/0/99999999999")]
    [InlineData("m/44'/144'/0'/0/-1")]
    [InlineData("m/44'/144'/0'/0/+1")]
    [InlineData("m/44'/144'/'/0/0")]
    [InlineData("m/44'/144'/0'/0/")]
    public void Any_other_shape_is_refused_naming_the_path_field(string text)
    {
        var error = Assert.Throws<InvalidInputException>(() => Bip44Path.Parse(text));

        Assert.Equal("path", error.Field);
        Assert.False(Bip44Path.TryParse(text, out _));
    }

    [Fact]
    public void Levels_at_or_above_two_to_the_31_cannot_be_constructed()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Bip44Path(0x8000_0000, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Bip44Path(0, 0x8000_0000));
    }
}
