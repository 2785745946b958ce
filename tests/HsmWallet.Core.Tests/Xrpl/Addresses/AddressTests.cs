using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Encoding;

namespace HsmWallet.Core.Tests.Xrpl.Addresses;

public class AddressTests
{
    [Fact]
    public void The_fixture_X_addresses_decode_to_the_fixture_classic_address()
    {
        var addresses = XrplFixtures.Load("addresses.json");
        var classic = (string)addresses["ACCOUNT"]!;

        var main = XAddress.Decode((string)addresses["ACCOUNT_X"]!, "address");
        var test = XAddress.Decode((string)addresses["ACCOUNT_T"]!, "address");

        Assert.Equal(classic, main.Account.ToClassicAddress());
        Assert.False(main.IsTestNetwork);
        Assert.Equal(classic, test.Account.ToClassicAddress());
        Assert.True(test.IsTestNetwork);
        Assert.Equal((string)addresses["ACCOUNT_X"]!, main.Encode());
        Assert.Equal((string)addresses["ACCOUNT_T"]!, test.Encode());
    }

    [Theory]
    [InlineData("ACCOUNT")]
    [InlineData("OTHER_ACCOUNT")]
    [InlineData("THIRD_ACCOUNT")]
    [InlineData("FOURTH_ACCOUNT")]
    [InlineData("ISSUER")]
    [InlineData("NOTFOUND")]
    [InlineData("SOURCE_LOW_FUNDS")]
    public void Every_fixture_classic_address_round_trips(string key)
    {
        var address = (string)XrplFixtures.Load("addresses.json")[key]!;
        Assert.Equal(address, AccountId.ParseClassic(address, "address").ToClassicAddress());
    }

    [Fact]
    public void The_account_zero_is_the_well_known_black_hole()
    {
        Assert.Equal("rrrrrrrrrrrrrrrrrrrrrhoLvTp", AccountId.FromBytes(new byte[20]).ToClassicAddress());
        Assert.Equal("rrrrrrrrrrrrrrrrrrrrBZbvji", AccountId.FromBytes([.. new byte[19], 1]).ToClassicAddress());
    }

    [Fact]
    public void An_X_address_with_a_tag_round_trips_with_its_tag()
    {
        var account = AccountId.ParseClassic("r9cZA1mLK5R5Am25ArfXFmqgNwjZgnfk59", "address");
        var text = new XAddress(account, 4294967295, false).Encode();
        var parsed = AccountId.Parse(text, "Destination", out var tag);
        Assert.Equal(account, parsed);
        Assert.Equal(4294967295u, tag);
    }

    [Theory]
    [InlineData("r9cZA1mLK5R5Am25ArfXFmqgNwjZgnfk5", "checksum")]
    [InlineData("r9cZA1mLK5R5Am25ArfXFmqgNwjZgnfk58", "checksum")]
    [InlineData("r9cZA1mLK5R5Am25ArfXFmqgNwjZgnfk50", "alphabet")]
    [InlineData("r9cZA1mLK5R5Am25ArfXFmqgNwjZgnfklI", "alphabet")]
    [InlineData("x9cZA1mLK5R5Am25ArfXFmqgNwjZgnfk59", "classic")]
    [InlineData("", "classic")]
    public void A_broken_address_is_refused_naming_the_field_and_the_rule(string text, string rule)
    {
        var error = Assert.Throws<InvalidInputException>(() => AccountId.Parse(text, "Destination", out _));
        Assert.Equal("Destination", error.Field);
        Assert.Contains(rule, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_changed_character_in_an_X_address_fails_its_checksum()
    {
        var text = (string)XrplFixtures.Load("addresses.json")["ACCOUNT_X"]!;
        var broken = text[..^1] + (text[^1] == 'r' ? 'p' : 'r');
        Assert.Throws<InvalidInputException>(() => XAddress.Decode(broken, "Account"));
    }

    [Fact]
    public void Base58_keeps_leading_zero_bytes()
    {
        byte[] data = [0, 0, 1, 2, 3, 255];
        Assert.Equal(data, XrplBase58.Decode(XrplBase58.Encode(data), "data"));
        Assert.StartsWith("rr", XrplBase58.Encode(data), StringComparison.Ordinal);
    }
}
