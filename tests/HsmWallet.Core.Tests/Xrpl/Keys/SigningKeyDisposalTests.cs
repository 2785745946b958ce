using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.Core.Tests.Xrpl.Keys;

public class SigningKeyDisposalTests
{
    [Theory]
    [InlineData("sp5fghtJtpUorTwvof1NpDXAzNwf5")]
    [InlineData("sEdSKaCy2JT7JaM7v95H9SxkhP9wS2r")]
    public void Dispose_zeroes_the_private_key_and_signing_afterwards_throws(string seedText)
    {
        using var seed = FamilySeed.Decode(seedText);
        var key = XrplSigningKey.FromSeed(seed);
        Assert.Contains(key.RawBufferForTests.ToArray(), b => b != 0);
        var publicKey = key.PublicKey.ToArray();

        key.Dispose();

        Assert.Equal(32, key.RawBufferForTests.Length);
        Assert.All(key.RawBufferForTests.ToArray(), b => Assert.Equal(0, b));
        Assert.Throws<ObjectDisposedException>(() => key.Sign([1, 2, 3]));
        Assert.Throws<ObjectDisposedException>(() => key.PrivateKeyBytes.Length);
        Assert.Equal(publicKey, key.PublicKey.ToArray());
        key.Dispose();
    }

    [Fact]
    public void No_public_member_of_the_signing_key_hands_out_the_private_key()
    {
        using var seed = FamilySeed.Decode("sp5fghtJtpUorTwvof1NpDXAzNwf5");
        using var key = XrplSigningKey.FromSeed(seed);
        var privateKey = key.PrivateKeyBytes.ToArray();

        var byteProperties = typeof(XrplSigningKey).GetProperties()
            .Where(p => p.PropertyType == typeof(byte[]) || p.PropertyType == typeof(ReadOnlySpan<byte>) || p.PropertyType == typeof(ReadOnlyMemory<byte>))
            .Select(p => p.Name);
        var byteMethods = typeof(XrplSigningKey).GetMethods()
            .Where(m => !m.IsSpecialName && (m.ReturnType == typeof(byte[]) || m.ReturnType == typeof(ReadOnlySpan<byte>)))
            .Select(m => m.Name);

        Assert.Equal(["PublicKey"], byteProperties);
        Assert.Equal(["Sign"], byteMethods);
        Assert.True(key.PublicKey.IndexOf(privateKey) < 0);
        Assert.DoesNotContain(Convert.ToHexString(privateKey), key.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(KeyType.Secp256k1)]
    [InlineData(KeyType.Ed25519)]
    public void A_key_rebuilt_from_its_private_bytes_is_the_same_key(KeyType keyType)
    {
        using var seed = DecodedSeed.FromEntropy(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray(), keyType);
        using var original = XrplSigningKey.FromSeed(seed);

        using var rebuilt = XrplSigningKey.FromPrivateKey(original.PrivateKeyBytes, keyType);

        Assert.Equal(original.PublicKey.ToArray(), rebuilt.PublicKey.ToArray());
        Assert.Equal(original.AccountId, rebuilt.AccountId);
        Assert.True(XrplSignature.Verify([9], rebuilt.Sign([9]), original.PublicKey));
    }

    [Theory]
    [InlineData("00", KeyType.Secp256k1, "32 bytes")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000", KeyType.Secp256k1, "not a valid secp256k1")]
    [InlineData("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", KeyType.Secp256k1, "not a valid secp256k1")]
    [InlineData("00D78B9735C3F26501C7337B8A5727FD53A6EFDBC6AA55984F098488561F985E23", KeyType.Secp256k1, "32 bytes")]
    [InlineData("B4C4E046826BD26190D09715FC31F4E6A728204EADD112905B08B14B7F15C4", KeyType.Ed25519, "32 bytes")]
    public void An_invalid_private_key_is_refused_without_echoing_it(string hex, KeyType keyType, string rule)
    {
        var error = Assert.Throws<InvalidInputException>(() => XrplSigningKey.FromPrivateKey(Convert.FromHexString(hex), keyType));

        Assert.Equal("private_key", error.Field);
        Assert.Contains(rule, error.Rule, StringComparison.Ordinal);
        Assert.DoesNotContain(hex, error.Message, StringComparison.OrdinalIgnoreCase);
    }
}
