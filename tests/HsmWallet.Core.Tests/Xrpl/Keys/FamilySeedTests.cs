using System.Text;
using FsCheck.Xunit;
using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.Core.Tests.Xrpl.Keys;

public class FamilySeedTests
{
    private const string Secp256k1Seed = "sp5fghtJtpUorTwvof1NpDXAzNwf5";
    private const string Ed25519Seed = "sEdSKaCy2JT7JaM7v95H9SxkhP9wS2r";

    [Property(MaxTest = 200)]
    public void Every_entropy_round_trips_through_seed_text_for_both_key_types(Guid source, bool ed25519)
    {
        var entropy = source.ToByteArray();
        var keyType = ed25519 ? KeyType.Ed25519 : KeyType.Secp256k1;

        var text = FamilySeed.Encode(entropy, keyType);
        using var decoded = FamilySeed.Decode(text);

        Assert.StartsWith(ed25519 ? "sEd" : "s", text, StringComparison.Ordinal);
        Assert.Equal(ed25519 ? 31 : 29, text.Length);
        Assert.Equal(keyType, decoded.KeyType);
        Assert.Equal(entropy, decoded.Entropy.ToArray());
    }

    [Theory]
    [InlineData(Secp256k1Seed, KeyType.Secp256k1)]
    [InlineData(Ed25519Seed, KeyType.Ed25519)]
    public void The_fixture_seeds_decode_to_their_key_type_and_encode_back_unchanged(string text, KeyType keyType)
    {
        using var seed = FamilySeed.Decode(text);

        Assert.Equal(keyType, seed.KeyType);
        Assert.Equal(text, FamilySeed.Encode(seed.Entropy, seed.KeyType));
    }

    [Fact]
    public void Ascii_bytes_with_a_trailing_newline_decode_like_the_text()
    {
        using var fromChars = FamilySeed.Decode(Ed25519Seed);
        using var fromBytes = FamilySeed.Decode(Encoding.ASCII.GetBytes("  " + Ed25519Seed + "\r\n"));
        using var fromPaddedChars = FamilySeed.Decode("\t" + Ed25519Seed + "\n");

        Assert.Equal(fromChars.Entropy.ToArray(), fromBytes.Entropy.ToArray());
        Assert.Equal(fromChars.Entropy.ToArray(), fromPaddedChars.Entropy.ToArray());
        Assert.Equal(KeyType.Ed25519, fromBytes.KeyType);
    }

    public static TheoryData<string, string> BadSeeds => new()
    {
        { "sp5fghtJtpUorTwvof1NpDXAzNwf6", "checksum" },
        { "sp5fghtJtpUorTwvof1NpDXAzNwf", "checksum" },
        { "sEdSKaCy2JT7JaM7v95H9SxkhP9wS2s", "checksum" },
        { "sp5fghtJtpUorTwvof1NpDXAzNwf0", "alphabet" },
        { "sp5fghtJtpUorTwvof1NpDXAzNwfl", "alphabet" },
        { "sp5fghtJtpUorTwvof1Np\u00e9XAzNwf5", "alphabet" },
        { "sp5fght JtpUorTwvof1NpDXAzNwf5", "alphabet" },
        { "r9cZA1mLK5R5Am25ArfXFmqgNwjZgnfk59", "not a family seed" },
        { "n9KPnVLn7ewVzHvn218DcEYsnWLzKerTDwhpofhk4Ym1RUq4TeGw", "not a family seed" },
        { new string('s', 65), "too long" },
        { "", "empty" },
        { "   ", "empty" },
    };

    [Theory]
    [MemberData(nameof(BadSeeds))]
    public void A_bad_seed_is_refused_naming_the_seed_field_but_not_the_seed(string text, string rule)
    {
        var error = Assert.Throws<InvalidInputException>(() => FamilySeed.Decode(text));
        var fromBytes = Assert.Throws<InvalidInputException>(() => FamilySeed.Decode(Encoding.UTF8.GetBytes(text)));

        Assert.Equal("seed", error.Field);
        Assert.Equal("seed", fromBytes.Field);
        Assert.Contains(rule, error.Rule, StringComparison.Ordinal);
        if (text.Trim().Length > 0)
        {
            Assert.DoesNotContain(text.Trim(), error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(text.Trim()[..8], error.ToString(), StringComparison.Ordinal);
        }

        Assert.False(FamilySeed.IsFamilySeed(text));
    }

    [Fact]
    public void An_account_address_is_not_taken_for_a_seed()
    {
        Assert.True(FamilySeed.IsFamilySeed(Secp256k1Seed));
        Assert.False(FamilySeed.IsFamilySeed((string)XrplFixtures.Load("addresses.json")["ACCOUNT"]!));
    }

    [Fact]
    public void Encoding_refuses_entropy_of_the_wrong_length()
    {
        Assert.Throws<ArgumentException>(() => FamilySeed.Encode(new byte[15], KeyType.Secp256k1));
        Assert.Throws<ArgumentException>(() => FamilySeed.Encode(new byte[17], KeyType.Ed25519));
    }

    [Fact]
    public void A_disposed_seed_is_zeroed_and_unreadable()
    {
        var seed = FamilySeed.Decode(Secp256k1Seed);
        Assert.Contains(seed.RawBufferForTests.ToArray(), b => b != 0);

        seed.Dispose();

        Assert.All(seed.RawBufferForTests.ToArray(), b => Assert.Equal(0, b));
        Assert.Throws<ObjectDisposedException>(() => seed.Entropy.Length);
        Assert.Throws<ObjectDisposedException>(() => XrplSigningKey.FromSeed(seed));
    }

    [Fact]
    public void Generated_seeds_are_distinct_and_keep_their_key_type()
    {
        using var first = DecodedSeed.Generate(KeyType.Ed25519);
        using var second = DecodedSeed.Generate(KeyType.Ed25519);

        Assert.Equal(KeyType.Ed25519, first.KeyType);
        Assert.NotEqual(first.Entropy.ToArray(), second.Entropy.ToArray());
        Assert.StartsWith("sEd", FamilySeed.Encode(first.Entropy, first.KeyType), StringComparison.Ordinal);
    }
}
