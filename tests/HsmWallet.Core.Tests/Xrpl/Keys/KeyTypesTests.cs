using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.Core.Tests.Xrpl.Keys;

public sealed class KeyTypesTests
{
    [Theory]
    [InlineData(KeyType.Ed25519)]
    [InlineData(KeyType.Secp256k1)]
    public void Every_key_type_reads_back_from_its_name(KeyType keyType)
    {
        Assert.Equal(keyType, KeyTypes.Parse(KeyTypes.Name(keyType), "key_type"));
    }

    [Fact]
    public void The_names_are_the_lowercase_ones_vault_records_store()
    {
        Assert.Equal("ed25519", KeyTypes.Name(KeyType.Ed25519));
        Assert.Equal("secp256k1", KeyTypes.Name(KeyType.Secp256k1));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Ed25519")]
    [InlineData(" ed25519")]
    [InlineData("secp256r1")]
    [InlineData("0")]
    public void Anything_but_an_exact_name_is_refused_naming_the_field_the_caller_gave(string? text)
    {
        var error = Assert.Throws<InvalidInputException>(() => KeyTypes.Parse(text, "--key-type"));

        Assert.Equal("--key-type", error.Field);
        Assert.Equal("--key-type: must be ed25519 or secp256k1", error.Message);
    }
}
