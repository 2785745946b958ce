using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.Core.Tests.Xrpl.Keys;

public class Secp256k1EnginesTests
{
    [Fact]
    public void An_engine_whose_signature_differs_by_one_bit_from_the_managed_engine_is_refused_and_signing_stays_as_it_was()
    {
        var before = Secp256k1Engines.Current;

        Assert.False(Secp256k1Engines.TryInstall(new OneBitOffEngine(flipSignature: true)));
        Assert.False(Secp256k1Engines.TryInstall(new OneBitOffEngine(flipSignature: false)));

        Assert.Same(before, Secp256k1Engines.Current);
    }

    [Fact]
    public void An_engine_whose_library_is_missing_is_refused()
    {
        Assert.False(Secp256k1Engines.TryInstall(new MissingLibraryEngine()));
        Assert.IsNotType<MissingLibraryEngine>(Secp256k1Engines.Current);
    }

    [Fact]
    public void An_offered_engine_is_created_at_the_first_secp256k1_use_once_and_a_wrong_one_is_not_installed()
    {
        var created = 0;
        Secp256k1Engines.Offer(() =>
        {
            created++;
            return new OneBitOffEngine(flipSignature: true);
        });

        Assert.Equal(0, created);
        var engine = Secp256k1Engines.Current;
        _ = Secp256k1Engines.Current;

        Assert.Equal(1, created);
        Assert.IsNotType<OneBitOffEngine>(engine);
    }

    [Fact]
    public void An_offered_engine_whose_library_is_missing_leaves_signing_on_the_managed_engine_with_the_reference_signature()
    {
        Secp256k1Engines.Offer(() => null);
        using var seed = FamilySeed.Decode("sp5fghtJtpUorTwvof1NpDXAzNwf5");
        using var key = XrplSigningKey.FromSeed(seed);

        var signature = key.Sign("test message"u8);

        Assert.Equal(
            "30440220583A91C95E54E6A651C47BEC22744E0B101E2C4060E7B08F6341657DAD9BC3EE02207D1489C7395DB0188D3A56A977ECBA54B36FA9371B40319655B1B4429E33EF2D",
            Convert.ToHexString(signature));
    }

    [Fact]
    public void The_managed_engine_reproduces_the_reference_vector_so_installing_it_succeeds()
    {
        Assert.True(Secp256k1Engines.TryInstall(ManagedSecp256k1Engine.Instance));
    }

    /// <summary>A faulty engine: the managed engine's answer with one bit flipped in the signature or the public key.</summary>
    private sealed class OneBitOffEngine(bool flipSignature) : ISecp256k1Engine
    {
        public string Name => "one bit off";

        public bool TryCreatePublicKey(ReadOnlySpan<byte> privateKey, Span<byte> compressedPublicKey)
        {
            var ok = ManagedSecp256k1Engine.Instance.TryCreatePublicKey(privateKey, compressedPublicKey);
            if (!flipSignature)
            {
                compressedPublicKey[32] ^= 1;
            }

            return ok;
        }

        public int SignRfc6979LowS(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> digest, Span<byte> der)
        {
            var length = ManagedSecp256k1Engine.Instance.SignRfc6979LowS(privateKey, digest, der);
            if (flipSignature)
            {
                der[length - 1] ^= 1;
            }

            return length;
        }
    }

    /// <summary>An engine whose native library is not installed.</summary>
    private sealed class MissingLibraryEngine : ISecp256k1Engine
    {
        public string Name => "missing";

        public bool TryCreatePublicKey(ReadOnlySpan<byte> privateKey, Span<byte> compressedPublicKey) =>
            throw new DllNotFoundException("libsecp256k1.so.1");

        public int SignRfc6979LowS(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> digest, Span<byte> der) =>
            throw new DllNotFoundException("libsecp256k1.so.1");
    }
}
