using System.Security.Cryptography;
using System.Text;
using FsCheck.Xunit;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.Core.Tests.Xrpl.Keys;

public class MnemonicTests
{
    private const string Abandon = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

    // xpring-eng/xpring-common-js test/XRP/wallet.test.ts (derivationPathTestCases index0 and index1).
    [Theory]
    [InlineData(0u, "031D68BC1A142E6766B2BDFB006CCFE135EF2E0E2E94ABB5CF5C9AB6104776FBAE", "0090802A50AA84EFB6CDB225F17C27616EA94048C179142FECF03F4712A07EA7A4", "XVMFQQBMhdouRqhPMuawgBMN1AVFTofPAdRsXG5RkPtUPNQ")]
    [InlineData(1u, "038BF420B5271ADA2D7479358FF98A29954CF18DC25155184AEAD05796DA737E89", "000974B4CFE004A2E6C4364CBF3510A36A352796728D0861F6B555ED7E54A70389", "X7uRz9jfzHUFEjZTZ7rMVzFuTGZTHWcmkKjvGkNqVbfMhca")]
    public void The_published_abandon_vectors_derive_their_keys_at_index_0_and_1(uint index, string publicKey, string privateKey, string xAddress)
    {
        using var key = XrplSigningKey.FromMnemonic(Abandon, "", new Bip44Path(0, index));

        Assert.Equal(publicKey, Convert.ToHexString(key.PublicKey));
        Assert.Equal(privateKey, "00" + Convert.ToHexString(key.PrivateKeyBytes));
        Assert.Equal(new XAddress(key.AccountId, null, false).Encode(), xAddress);
    }

    [Fact]
    public void The_default_path_is_m_44_144_0_0_0()
    {
        using var byDefault = XrplSigningKey.FromMnemonic(Abandon, "", Bip44Path.Default);
        using var explicitPath = XrplSigningKey.FromMnemonic(Abandon, "", Bip44Path.Parse("m/44'/144'/0'/0/0"));

        Assert.Equal("rHsMGQEkVNJmpGWs8XUBoTBiAAbwxZN5v3", byDefault.AccountId.ToClassicAddress());
        Assert.Equal(explicitPath.AccountId, byDefault.AccountId);
    }

    [Fact]
    public void The_published_abandon_key_signs_the_published_signature()
    {
        // xpring-eng/xpring-common-js test/XRP/wallet.test.ts ('sign': "test message" at index 0).
        using var key = XrplSigningKey.FromMnemonic(Abandon, "", Bip44Path.Default);
        var message = Encoding.UTF8.GetBytes("test message");

        Assert.Equal(
            "3045022100E10177E86739A9C38B485B6AA04BF2B9AA00E79189A1132E7172B70F400ED1170220566BD64AA3F01DDE8D99DFFF0523D165E7DD2B9891ABDA1944E2F3A52CCCB83A",
            Convert.ToHexString(key.Sign(message)));
    }

    [Fact]
    public void The_xrpl_js_from_mnemonic_vector_is_refused_because_its_checksum_is_wrong()
    {
        // XRPLF/xrpl.js packages/xrpl/test/wallet/index.test.ts (describe 'fromMnemonic') derives
        // 0257B550... from these words without checking them; their BIP-39 checksum is wrong
        // (NBitcoin's Mnemonic.IsValidChecksum agrees), so a checking wallet must refuse them.
        const string words = "try milk link drift aware pass obtain again music stick pluck fold";
        Assert.False(new NBitcoin.Mnemonic(words, NBitcoin.Wordlist.English).IsValidChecksum);

        var error = Assert.Throws<InvalidInputException>(() => XrplSigningKey.FromMnemonic(words, "", Bip44Path.Default));

        Assert.Equal("mnemonic", error.Field);
        Assert.Contains("checksum", error.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fifteen_word_mnemonic_at_another_account_change_and_index_derives_the_published_key()
    {
        // MitchLang009/XRPKit Tests/XRPKitTests/XRPKitTests.swift
        // (testGenerateWalletFromMnemonicUsingDerivationPath: account 76, change 1, index 4).
        Span<byte> seed = stackalloc byte[64];
        Span<byte> privateKey = stackalloc byte[32];
        Bip39Mnemonic.DeriveSeed("recycle rocket rain scout rule loud pudding they panther advance acquire junk news trumpet bitter", "", seed);
        Bip32Derivation.DerivePrivateKey(seed, [44u | 0x8000_0000, 144u | 0x8000_0000, 76u | 0x8000_0000, 1, 4], privateKey);
        using var key = XrplSigningKey.FromPrivateKey(privateKey, KeyType.Secp256k1);

        Assert.Equal("20ADF2745186A58B30172626ED761042904610F42326897ACA0A98840036B1A2", Convert.ToHexString(privateKey));
        Assert.Equal("034AC49EF8112BB1E8FE9E4610AA24EB48BF6D8D5DDEF36ADC5B460829AEDC61C0", Convert.ToHexString(key.PublicKey));
        Assert.Equal("rf5UyN1ETEzfQKkD5mdcReQEd2gTk46wiz", key.AccountId.ToClassicAddress());
    }

    // The BIP-39 specification's own vectors (passphrase "TREZOR"), as listed in
    // hashgraph/hedera-sdk-reference reference/cryptography/TestVectors.md.
    [Theory]
    [InlineData(Abandon, "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04")]
    [InlineData("legal winner thank year wave sausage worth useful legal winner thank yellow", "2e8905819b8723fe2c1d161860e5ee1830318dbf49a83bd451cfb8440c28bd6fa457fe1296106559a3c80937a1c1069be3a3a5bd381ee6260e8d9739fce1f607")]
    [InlineData("zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong", "ac27495480225222079d7be181583751e86f571027b0497b5b5d11218e0a8a13332572917f0f8e5a589620c6f15b11c61dee327651a14c34e18231052e48c069")]
    [InlineData("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art", "bda85446c68413707090a52022edd26a1c9462295029f2e60cd7c4f2bbd3097170af7a4d73245cafa9c3cca8d561a7c3de6f5d4a10be8ed2a5e608d68f92fcc8")]
    public void The_bip39_specification_vectors_give_their_seeds(string words, string expectedSeed)
    {
        Span<byte> seed = stackalloc byte[64];
        Bip39Mnemonic.DeriveSeed(words, "TREZOR", seed);
        Assert.Equal(expectedSeed, Convert.ToHexString(seed), ignoreCase: true);
    }

    [Fact]
    public void A_passphrase_derives_a_different_wallet()
    {
        using var none = XrplSigningKey.FromMnemonic(Abandon, "", Bip44Path.Default);
        using var withPassphrase = XrplSigningKey.FromMnemonic(Abandon, "TREZOR", Bip44Path.Default);
        using var again = XrplSigningKey.FromMnemonic(Abandon, "TREZOR", Bip44Path.Default);

        Assert.NotEqual(none.AccountId, withPassphrase.AccountId);
        Assert.Equal(withPassphrase.AccountId, again.AccountId);
    }

    [Fact]
    public void Other_accounts_and_indexes_derive_distinct_wallets()
    {
        var accounts = new HashSet<AccountId>();
        foreach (var path in new[] { new Bip44Path(0, 0), new Bip44Path(0, 1), new Bip44Path(1, 0), new Bip44Path(1, 1), new Bip44Path(2147483647, 2147483647) })
        {
            using var key = XrplSigningKey.FromMnemonic(Abandon, "", path);
            Assert.True(accounts.Add(key.AccountId), $"{path} repeated an account");
        }
    }

    [Fact]
    public void Extra_whitespace_between_words_derives_the_same_wallet()
    {
        using var plain = XrplSigningKey.FromMnemonic(Abandon, "", Bip44Path.Default);
        using var spaced = XrplSigningKey.FromMnemonic("  " + Abandon.Replace(" ", " \t\n ", StringComparison.Ordinal) + "\n", "", Bip44Path.Default);

        Assert.Equal(plain.AccountId, spaced.AccountId);
    }

    [Theory]
    [InlineData("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon", "checksum")]
    [InlineData("about abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon", "checksum")]
    [InlineData("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon xrpwallet", "word 12 is not in the BIP-39 English word list")]
    [InlineData("Abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about", "word 1 is not in the BIP-39 English word list")]
    [InlineData("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about", "12, 15, 18, 21 or 24 words")]
    [InlineData("", "12, 15, 18, 21 or 24 words")]
    public void A_bad_mnemonic_is_refused_without_echoing_it(string words, string rule)
    {
        var error = Assert.Throws<InvalidInputException>(() => XrplSigningKey.FromMnemonic(words, "", Bip44Path.Default));

        Assert.Equal("mnemonic", error.Field);
        Assert.Contains(rule, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("abandon", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("xrpwallet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Twenty_five_words_are_refused()
    {
        var words = string.Join(' ', Enumerable.Repeat("abandon", 24)) + " art";
        var error = Assert.Throws<InvalidInputException>(() => XrplSigningKey.FromMnemonic(words, "", Bip44Path.Default));
        Assert.Equal("mnemonic", error.Field);
    }

    [Fact]
    public void Asking_for_ed25519_from_a_mnemonic_is_refused_because_bip32_is_secp256k1_only()
    {
        var error = Assert.Throws<InvalidInputException>(() => XrplSigningKey.FromMnemonic(Abandon, "", Bip44Path.Default, KeyType.Ed25519));

        Assert.Equal("key_type", error.Field);
        Assert.Contains("BIP-32", error.Rule, StringComparison.Ordinal);
        Assert.Contains("secp256k1", error.Rule, StringComparison.Ordinal);
        using var secp = XrplSigningKey.FromMnemonic(Abandon, "", Bip44Path.Default, KeyType.Secp256k1);
        Assert.Equal(KeyType.Secp256k1, secp.KeyType);
    }

    [Fact]
    public void A_non_ascii_passphrase_is_refused_rather_than_derived_without_normalization()
    {
        var error = Assert.Throws<InvalidInputException>(() => XrplSigningKey.FromMnemonic(Abandon, "caf\u00e9", Bip44Path.Default));

        Assert.Equal("passphrase", error.Field);
        Assert.DoesNotContain("caf", error.Message, StringComparison.Ordinal);
    }

    [Property(MaxTest = 40)]
    public void Every_mnemonic_derives_the_key_NBitcoin_derives(byte[] entropySource, byte sizeChoice, uint account, uint index, byte passphraseChoice)
    {
        // An independent implementation of the whole BIP-39 + BIP-32 pipeline (strings are fine here:
        // the words are random test data).
        var size = 16 + 4 * (sizeChoice % 5);
        var entropy = SHA256.HashData(entropySource ?? [])[..size];
        var passphrase = new[] { "", "TREZOR", "correct horse battery staple" }[passphraseChoice % 3];
        var path = new Bip44Path(account % 0x8000_0000, index % 0x8000_0000);
        var mnemonic = new NBitcoin.Mnemonic(NBitcoin.Wordlist.English, entropy);
        var expected = mnemonic.DeriveExtKey(passphrase).Derive(new NBitcoin.KeyPath(path.ToString()[2..])).PrivateKey.ToBytes();

        using var key = XrplSigningKey.FromMnemonic(mnemonic.ToString(), passphrase, path);

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(key.PrivateKeyBytes));
    }
}
