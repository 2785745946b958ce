using System.Text;
using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.Core.Tests.Xrpl.Keys;

public class KeypairFixtureTests
{
    public static TheoryData<string> KeyTypes => new() { "secp256k1", "ed25519" };

    private const string SignFixtureSeed = "ss1x3KLrSvfg7irFc1D929WXZ7z9H";

    private static string PrefixedPrivateKey(XrplSigningKey key) =>
        (key.KeyType == KeyType.Ed25519 ? "ED" : "00") + Convert.ToHexString(key.PrivateKeyBytes);

    [Theory]
    [MemberData(nameof(KeyTypes))]
    public void The_fixture_seed_derives_the_fixture_account_keypair_and_address(string keyType)
    {
        var fixture = XrplFixtures.Load("keypairs-api.json")[keyType]!;
        using var seed = FamilySeed.Decode((string)fixture["seed"]!);
        using var key = XrplSigningKey.FromSeed(seed);

        Assert.Equal((string)fixture["keypair"]!["privateKey"]!, PrefixedPrivateKey(key));
        Assert.Equal((string)fixture["keypair"]!["publicKey"]!, Convert.ToHexString(key.PublicKey));
        Assert.Equal((string)fixture["address"]!, key.AccountId.ToClassicAddress());
        Assert.Equal((string)fixture["address"]!, PublicKeys.ToAccountId(key.PublicKey).ToClassicAddress());
    }

    [Theory]
    [MemberData(nameof(KeyTypes))]
    public void The_fixture_seed_derives_the_fixture_validator_keypair(string keyType)
    {
        var fixture = XrplFixtures.Load("keypairs-api.json")[keyType]!;
        using var seed = FamilySeed.Decode((string)fixture["seed"]!);
        using var key = XrplSigningKey.FromSeedAsValidator(seed);

        Assert.Equal((string)fixture["validatorKeypair"]!["privateKey"]!, PrefixedPrivateKey(key));
        Assert.Equal((string)fixture["validatorKeypair"]!["publicKey"]!, Convert.ToHexString(key.PublicKey));
    }

    [Theory]
    [MemberData(nameof(KeyTypes))]
    public void The_fixture_message_signs_to_the_fixture_signature_byte_for_byte_and_verifies(string keyType)
    {
        var fixture = XrplFixtures.Load("keypairs-api.json")[keyType]!;
        var message = Encoding.UTF8.GetBytes((string)fixture["message"]!);
        using var seed = FamilySeed.Decode((string)fixture["seed"]!);
        using var key = XrplSigningKey.FromSeed(seed);

        var signature = key.Sign(message);

        Assert.Equal((string)fixture["signature"]!, Convert.ToHexString(signature));
        Assert.True(XrplSignature.Verify(message, signature, key.PublicKey));
        Assert.True(XrplSignature.Verify(message, Convert.FromHexString((string)fixture["signature"]!), Convert.FromHexString((string)fixture["keypair"]!["publicKey"]!)));
    }

    [Fact]
    public void The_addresses_fixture_secret_derives_the_keypair_xrpl_js_pairs_it_with()
    {
        // XRPLF/xrpl.js packages/xrpl/test/wallet/index.test.ts signs the same transaction with
        // Wallet.fromSeed('shsWGZcmZz6YsWWmcnpfr6fLTdtFV') and with new Wallet('02F89E...', '00ACCD...').
        var secret = (string)XrplFixtures.Load("addresses.json")["SECRET"]!;
        using var seed = FamilySeed.Decode(secret);
        using var key = XrplSigningKey.FromSeed(seed);

        Assert.Equal(KeyType.Secp256k1, key.KeyType);
        Assert.Equal("02F89EAEC7667B30F33D0687BBA86C3FE2A08CCA40A9186C5BDE2DAA6FA97A37D8", Convert.ToHexString(key.PublicKey));
        Assert.Equal("00ACCD3309DB14D1A4FC9B1DAE608031F4408C85C73EE05E035B7DC8B25840107A", PrefixedPrivateKey(key));
    }

    [Fact]
    public void The_sign_fixture_key_comes_from_the_seed_the_reference_tests_sign_it_with()
    {
        // request-sign.json's SigningPubKey is not the addresses fixture SECRET's key: xrpl.js
        // (wallet = Wallet.fromSeed('ss1x3KLrSvfg7irFc1D929WXZ7z9H')) and xrpl-php (testSignSuccessfully)
        // sign the fixture transaction with this seed.
        var request = XrplFixtures.Load("request-sign.json");
        using var seed = FamilySeed.Decode(SignFixtureSeed);
        using var key = XrplSigningKey.FromSeed(seed);

        Assert.Equal("02A8A44DB3D4C73EEEE11DFE54D2029103B776AA8A8D293A91D645977C9DF5F544", Convert.ToHexString(key.PublicKey));
        Assert.Equal((string)request["SigningPubKey"]!, Convert.ToHexString(key.PublicKey));
    }

    [Fact]
    public void The_sign_fixture_transaction_signature_is_reproduced_byte_for_byte()
    {
        // response-sign.json holds the signed AccountSet; removing its TxnSignature field (74 46 ...)
        // and prefixing "STX\0" gives exactly the bytes the reference implementation signed.
        var signedBlob = Convert.FromHexString((string)XrplFixtures.Load("response-sign.json")["signedTransaction"]!);
        var publicKeyField = Convert.FromHexString("7321");
        var signatureStart = signedBlob.AsSpan().IndexOf(publicKeyField) + publicKeyField.Length + PublicKeys.Length;
        Assert.Equal(0x74, signedBlob[signatureStart]);
        int signatureLength = signedBlob[signatureStart + 1];
        var expectedSignature = signedBlob.AsSpan(signatureStart + 2, signatureLength).ToArray();
        byte[] signingData =
        [
            .. "STX\0"u8,
            .. signedBlob.AsSpan(0, signatureStart),
            .. signedBlob.AsSpan(signatureStart + 2 + signatureLength),
        ];

        using var seed = FamilySeed.Decode(SignFixtureSeed);
        using var key = XrplSigningKey.FromSeed(seed);

        Assert.Equal(Convert.ToHexString(expectedSignature), Convert.ToHexString(key.Sign(signingData)));
        Assert.True(XrplSignature.Verify(signingData, expectedSignature, key.PublicKey));
    }

    // Family seed vectors from MitchLang009/XRPKit, Tests/XRPKitTests/XRPKitTests.swift
    // (testSecp256k1DerivationPath and testED25519DerivationPath); the fixture file has one seed per type.
    [Theory]
    [InlineData("snqFfd21bfALXF1PDj1ymdQcr3Vhu", "00FC04A8E1C707BA9568786EF59BFBBD81C177079A056E15ED479D86C1AF8B2D70", "037519ACDF131CCD412CF8D8B7B09A38E8CEEB62CBF40DF797EB8C2E3ED3A2E2E0", "r4gTV9iKgrW4VRjUAFZ6zZgVMDHLW5MCGX")]
    [InlineData("shmHbzopVRdMe5YAnMb7afMsGA1ps", "00CDB06B49B44CB5958A89F6AF1303EBEFF22344567C37329C28D21834EA72D505", "03EE379CFA4FBFC4934750D0F1274C97E38A9269BF8CEAC72EA24BBAB12CD4EC2F", "rKfi51fkW5RCPrjfiXNsPT7Fj6ouKeFgS2")]
    [InlineData("shwtWWu2q1UUuF8waXe3LNPaUJ3Wc", "000D5F0F8386268563477093DDDBE240CF29B2BD149CDE7A8BE65387D629A114ED", "03B06ACD6BF9F733ED12949863C6DFDAFEBB9C5771658D23046656AEB590B4FEE8", "rKXXbQeknkC5ZdxA45dXuCVgUpJpHT86US")]
    [InlineData("sniQ7AheddnEu46c48tryizzgDzyi", "00BCD722763F316BC4554AACCAA61E8E060304020ADBB578901C9A47BD03E64956", "029CB31945F42E0DB0A887AB3747A14B789C4108D38232311BD6E8A9C1B4529C03", "rUiYmVzXgVurPea56pgdBPCJrzGFxECzcr")]
    public void Published_secp256k1_family_seeds_derive_their_published_keys(string seedText, string privateKey, string publicKey, string address)
    {
        using var seed = FamilySeed.Decode(seedText);
        using var key = XrplSigningKey.FromSeed(seed);

        Assert.Equal(privateKey, PrefixedPrivateKey(key));
        Assert.Equal(publicKey, Convert.ToHexString(key.PublicKey));
        Assert.Equal(address, key.AccountId.ToClassicAddress());
    }

    [Theory]
    [InlineData("sEdVWZmeUDgQdMEFKTK9kYVX71FKB7o", "r34XnDB2zS11NZ1wKJzpU1mjWExGVugTaQ")]
    [InlineData("sEd7zJoVnqg1FxB9EuaHC1AB5UPfHWz", "rDw51qRrBEeMw7Na1Nh79LN7HYZDo7nZFE")]
    public void Published_ed25519_family_seeds_derive_their_published_addresses(string seedText, string address)
    {
        using var seed = FamilySeed.Decode(seedText);
        using var key = XrplSigningKey.FromSeed(seed);

        Assert.Equal(KeyType.Ed25519, key.KeyType);
        Assert.Equal(address, key.AccountId.ToClassicAddress());
    }

    [Fact]
    public void Sixteen_zero_bytes_of_entropy_derive_the_keys_xrpl_js_publishes_for_both_types()
    {
        // XRPLF/xrpl.js packages/xrpl/test/wallet/index.test.ts, describe('fromEntropy').
        using var secp = DecodedSeed.FromEntropy(new byte[16], KeyType.Secp256k1);
        using var secpKey = XrplSigningKey.FromSeed(secp);
        using var ed = DecodedSeed.FromEntropy(new byte[16], KeyType.Ed25519);
        using var edKey = XrplSigningKey.FromSeed(ed);

        Assert.Equal("002512BBDFDBB77510883B7DCCBEF270B86DEAC8B64AC762873D75A1BEE6298665", PrefixedPrivateKey(secpKey));
        Assert.Equal("0390A196799EE412284A5D80BF78C3E84CBB80E1437A0AECD9ADF94D7FEAAFA284", Convert.ToHexString(secpKey.PublicKey));
        Assert.Equal("ED0B6CBAC838DFE7F47EA1BD0DF00EC282FDF45510C92161072CCFB84035390C4D", PrefixedPrivateKey(edKey));
        Assert.Equal("ED1A7C082846CFF58FF9A892BA4BA2593151CCF1DBA59F37714CC9ED39824AF85F", Convert.ToHexString(edKey.PublicKey));
    }

    [Fact]
    public void A_secp256k1_seed_used_with_the_ed25519_algorithm_derives_a_different_ed25519_wallet()
    {
        using var seed = FamilySeed.Decode("snqFfd21bfALXF1PDj1ymdQcr3Vhu");
        using var secp = XrplSigningKey.FromSeed(seed);
        using var ed = XrplSigningKey.FromSeed(seed, KeyType.Ed25519);

        Assert.Equal(KeyType.Ed25519, ed.KeyType);
        Assert.Equal(PublicKeys.Ed25519Prefix, ed.PublicKey[0]);
        Assert.NotEqual(secp.AccountId, ed.AccountId);
    }
}
