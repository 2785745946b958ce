using System.Security.Cryptography;
using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Codec;

namespace HsmWallet.Core.Tests.Xrpl.Codec;

public class AddressCacheTests
{
    [Fact]
    public void More_distinct_accounts_than_the_cache_holds_still_encode_and_decode_exactly()
    {
        for (var i = 0; i < 5000; i++)
        {
            var address = AccountId.FromBytes(RandomNumberGenerator.GetBytes(AccountId.Length)).ToClassicAddress();
            var json = new JsonObject { ["Account"] = address, ["Owner"] = address };

            var decoded = XrplBinaryCodec.Decode(XrplBinaryCodec.Encode(json));

            Assert.Equal(address, (string)decoded["Account"]!);
            Assert.Equal(address, (string)decoded["Owner"]!);
        }
    }

    [Fact]
    public void A_remembered_address_still_gives_up_its_X_address_tag()
    {
        var account = AccountId.ParseClassic("rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh", "Destination");
        var classic = new JsonObject { ["Destination"] = account.ToClassicAddress() };
        var tagged = new JsonObject { ["Destination"] = new XAddress(account, 99, false).Encode() };

        XrplBinaryCodec.Encode(classic);
        var decoded = XrplBinaryCodec.Decode(XrplBinaryCodec.Encode(tagged));

        Assert.Equal(99u, (uint)decoded["DestinationTag"]!);
    }
}
