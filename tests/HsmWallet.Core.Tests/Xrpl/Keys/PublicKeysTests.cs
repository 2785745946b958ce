using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.Core.Tests.Xrpl.Keys;

public class PublicKeysTests
{
    [Theory]
    [InlineData("secp256k1", KeyType.Secp256k1)]
    [InlineData("ed25519", KeyType.Ed25519)]
    public void The_fixture_public_keys_give_their_type_and_address(string keyType, KeyType expected)
    {
        var fixture = XrplFixtures.Load("keypairs-api.json")[keyType]!;
        var publicKey = Convert.FromHexString((string)fixture["keypair"]!["publicKey"]!);

        Assert.Equal(expected, PublicKeys.KeyTypeOf(publicKey));
        Assert.Equal((string)fixture["address"]!, PublicKeys.ToAccountId(publicKey).ToClassicAddress());
        Assert.True(PublicKeys.IsValid(publicKey));
    }

    public static TheoryData<string, string> BadKeys => new()
    {
        { "", "33 bytes" },
        { "030D58EB48B4420B1F7B9DF55087E0E29FEF0E8468F9A6825B01CA2C361042D4", "33 bytes" },
        { "040D58EB48B4420B1F7B9DF55087E0E29FEF0E8468F9A6825B01CA2C361042D435", "0x02 or 0x03" },
        { "000D58EB48B4420B1F7B9DF55087E0E29FEF0E8468F9A6825B01CA2C361042D435", "0x02 or 0x03" },
        { "02FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F", "secp256k1 curve" },
        { "0405D58EB48B4420B1F7B9DF55087E0E29FEF0E8468F9A6825B01CA2C361042D435D58EB48B4420B1F7B9DF55087E0E29FEF0E8468F9A6825B01CA2C361042D4", "33 bytes" },
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public void A_malformed_public_key_is_refused_naming_the_field(string hex, string rule)
    {
        var publicKey = Convert.FromHexString(hex);

        var error = Assert.Throws<InvalidInputException>(() => PublicKeys.ToAccountId(publicKey, "SigningPubKey"));

        Assert.Equal("SigningPubKey", error.Field);
        Assert.Contains(rule, error.Rule, StringComparison.Ordinal);
        Assert.Equal("public_key", Assert.Throws<InvalidInputException>(() => PublicKeys.KeyTypeOf(publicKey)).Field);
        Assert.False(PublicKeys.IsValid(publicKey));
    }
}
