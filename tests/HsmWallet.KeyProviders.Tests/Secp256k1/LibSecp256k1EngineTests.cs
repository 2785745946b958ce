using System.Security.Cryptography;
using System.Text;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Keys;
using HsmWallet.Core.Xrpl.Transactions;
using HsmWallet.KeyProviders.Secp256k1;

namespace HsmWallet.KeyProviders.Tests.Secp256k1;

// The engine is process-wide: these tests switch it, so they must not run beside other classes that read it mid-switch.
[Collection(nameof(Secp256k1EngineSwitching))]
public sealed class LibSecp256k1EngineTests : IDisposable
{
    private readonly LibSecp256k1Engine _native = LibSecp256k1Engine.TryCreate()
        ?? throw new InvalidOperationException(NativeSecp256k1.Missing);

    public void Dispose() => NativeSecp256k1.InstallIfPresent();

    [Fact]
    public void The_standard_registry_puts_native_libsecp256k1_in_charge_of_secp256k1_signing()
    {
        Secp256k1Engines.UseManaged();

        StandardKeyProviders.CreateRegistry();

        Assert.Equal("libsecp256k1 (native)", Secp256k1Engines.Current.Name);
    }

    [Theory]
    [InlineData("secp256k1")]
    public void The_native_engine_derives_and_signs_the_reference_vectors_byte_for_byte(string keyType)
    {
        Assert.True(Secp256k1Engines.TryInstall(_native));
        var fixture = XrplFixtures.Load("keypairs-api.json")[keyType]!;
        using var seed = FamilySeed.Decode((string)fixture["seed"]!);
        using var key = XrplSigningKey.FromSeed(seed);
        using var validator = XrplSigningKey.FromSeedAsValidator(seed);

        var signature = key.Sign(Encoding.UTF8.GetBytes((string)fixture["message"]!));

        Assert.Equal((string)fixture["keypair"]!["publicKey"]!, Convert.ToHexString(key.PublicKey));
        Assert.Equal((string)fixture["validatorKeypair"]!["publicKey"]!, Convert.ToHexString(validator.PublicKey));
        Assert.Equal((string)fixture["signature"]!, Convert.ToHexString(signature));
        Assert.True(XrplSignature.Verify(Encoding.UTF8.GetBytes((string)fixture["message"]!), signature, key.PublicKey));
    }

    [Fact]
    public void The_native_engine_signs_the_reference_transaction_to_the_reference_blob()
    {
        Assert.True(Secp256k1Engines.TryInstall(_native));
        var request = XrplFixtures.Load("request-sign.json").AsObject();
        var response = XrplFixtures.Load("response-sign.json");
        using var seed = FamilySeed.Decode(XrplFixtures.Secret);
        using var key = XrplSigningKey.FromSeed(seed);

        // The reference tests sign with this seed's key as the fixture account's regular key.
        var signed = TransactionSigner.Sign(request, key, AccountId.ParseClassic((string)request["Account"]!, "Account"));

        Assert.Equal((string)response["signedTransaction"]!, signed.TxBlob);
        Assert.Equal((string)response["id"]!, signed.Hash);
    }

    [Fact]
    public void The_native_and_managed_engines_agree_on_public_keys_and_low_s_signatures_for_five_hundred_keys()
    {
        var managed = ManagedSecp256k1Engine.Instance;
        var random = new Random(20);
        var privateKey = new byte[32];
        var digest = new byte[32];
        Span<byte> managedKey = stackalloc byte[33];
        Span<byte> nativeKey = stackalloc byte[33];
        Span<byte> managedDer = stackalloc byte[72];
        Span<byte> nativeDer = stackalloc byte[72];
        for (var i = 0; i < 500; i++)
        {
            random.NextBytes(privateKey);
            random.NextBytes(digest);
            Assert.True(managed.TryCreatePublicKey(privateKey, managedKey));
            Assert.True(_native.TryCreatePublicKey(privateKey, nativeKey));
            var managedLength = managed.SignRfc6979LowS(privateKey, digest, managedDer);
            var nativeLength = _native.SignRfc6979LowS(privateKey, digest, nativeDer);

            Assert.Equal(Convert.ToHexString(managedKey), Convert.ToHexString(nativeKey));
            Assert.Equal(Convert.ToHexString(managedDer[..managedLength]), Convert.ToHexString(nativeDer[..nativeLength]));
        }
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141")]
    [InlineData("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF")]
    public void The_native_engine_refuses_a_zero_key_and_keys_not_below_the_curve_order(string privateKeyHex)
    {
        var privateKey = Convert.FromHexString(privateKeyHex);
        Assert.True(Secp256k1Engines.TryInstall(_native));

        Assert.False(_native.TryCreatePublicKey(privateKey, new byte[33]));
        Assert.Throws<CryptographicException>(() => _native.SignRfc6979LowS(privateKey, new byte[32], new byte[72]));
        var refused = Assert.Throws<HsmWallet.Core.InvalidInputException>(() => XrplSigningKey.FromPrivateKey(privateKey, KeyType.Secp256k1));
        Assert.Contains("private_key", refused.Message, StringComparison.Ordinal);
    }
}

/// <summary>Serializes the tests that switch the process-wide secp256k1 engine.</summary>
[CollectionDefinition(nameof(Secp256k1EngineSwitching), DisableParallelization = true)]
public sealed class Secp256k1EngineSwitching;
