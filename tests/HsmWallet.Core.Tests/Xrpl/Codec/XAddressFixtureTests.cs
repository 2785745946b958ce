using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Codec;

namespace HsmWallet.Core.Tests.Xrpl.Codec;

public class XAddressFixtureTests
{
    public static TheoryData<int> Transactions => CodecFixtures.Indexes(CodecFixtures.XCodecTransactions);

    [Theory]
    [MemberData(nameof(Transactions))]
    public void A_transaction_with_X_addresses_encodes_like_its_classic_form(int index)
    {
        var fixture = CodecFixtures.XCodecTransactions[index]!;

        var fromClassic = XrplBinaryCodec.Encode(fixture["rjson"]!.AsObject());
        var fromX = XrplBinaryCodec.Encode(fixture["xjson"]!.AsObject());

        Assert.Equal(Convert.ToHexString(fromClassic), Convert.ToHexString(fromX));
    }

    [Theory]
    [MemberData(nameof(Transactions))]
    public void A_transaction_with_X_addresses_decodes_to_its_classic_form(int index)
    {
        var fixture = CodecFixtures.XCodecTransactions[index]!;

        var decoded = XrplBinaryCodec.Decode(XrplBinaryCodec.Encode(fixture["xjson"]!.AsObject()));

        CodecFixtures.AssertJsonEqual(fixture["rjson"], decoded);
    }

    [Fact]
    public void An_Account_X_address_tag_that_repeats_an_explicit_SourceTag_is_refused()
    {
        var json = TaggedPayment(out var account, out _);
        json["Account"] = new XAddress(account, 7, false).Encode();
        json["SourceTag"] = 8;

        var error = Assert.Throws<InvalidInputException>(() => XrplBinaryCodec.Encode(json));

        Assert.Equal("Account", error.Field);
    }

    [Fact]
    public void A_Destination_X_address_tag_alongside_an_explicit_DestinationTag_is_refused()
    {
        var json = TaggedPayment(out _, out var destination);
        json["Destination"] = new XAddress(destination, 7, false).Encode();
        json["DestinationTag"] = 7;

        var error = Assert.Throws<InvalidInputException>(() => XrplBinaryCodec.Encode(json));

        Assert.Equal("Destination", error.Field);
    }

    [Fact]
    public void A_tagged_X_address_in_a_field_that_has_no_tag_is_refused()
    {
        var json = TaggedPayment(out _, out var destination);
        json["TransactionType"] = "SetRegularKey";
        json.Remove("Destination");
        json.Remove("Amount");
        json["RegularKey"] = new XAddress(destination, 1, false).Encode();

        var error = Assert.Throws<InvalidInputException>(() => XrplBinaryCodec.Encode(json));

        Assert.Equal("RegularKey", error.Field);
    }

    [Fact]
    public void An_X_address_tag_becomes_the_Destination_tag_field()
    {
        var json = TaggedPayment(out _, out var destination);
        json["Destination"] = new XAddress(destination, 4294967295, false).Encode();

        var decoded = XrplBinaryCodec.Decode(XrplBinaryCodec.Encode(json));

        Assert.Equal(destination.ToClassicAddress(), (string)decoded["Destination"]!);
        Assert.Equal(4294967295u, (uint)decoded["DestinationTag"]!);
    }

    private static JsonObject TaggedPayment(out AccountId account, out AccountId destination)
    {
        account = AccountId.ParseClassic("r9cZA1mLK5R5Am25ArfXFmqgNwjZgnfk59", "Account");
        destination = AccountId.ParseClassic("rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh", "Destination");
        return new JsonObject
        {
            ["TransactionType"] = "Payment",
            ["Account"] = account.ToClassicAddress(),
            ["Destination"] = destination.ToClassicAddress(),
            ["Amount"] = "1000",
            ["Fee"] = "12",
            ["Sequence"] = 1,
        };
    }
}
