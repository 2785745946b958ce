using System.Numerics;
using System.Text;
using FsCheck.Xunit;
using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.Core.Tests.Xrpl.Keys;

public class SignatureTests
{
    private static readonly BigInteger Order = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);

    private static XrplSigningKey KeyFrom(Guid source, bool ed25519)
    {
        using var seed = DecodedSeed.FromEntropy(source.ToByteArray(), ed25519 ? KeyType.Ed25519 : KeyType.Secp256k1);
        return XrplSigningKey.FromSeed(seed);
    }

    [Property(MaxTest = 60)]
    public void Every_signature_from_a_random_key_verifies(Guid source, bool ed25519, byte[] message)
    {
        message ??= [];
        using var key = KeyFrom(source, ed25519);

        var signature = key.Sign(message);

        Assert.True(XrplSignature.Verify(message, signature, key.PublicKey));
        if (ed25519)
        {
            Assert.Equal(64, signature.Length);
        }
        else
        {
            Assert.True(IsLowS(signature), "secp256k1 signatures must be low-S");
        }
    }

    [Property(MaxTest = 60)]
    public void Flipping_any_byte_of_the_signature_never_verifies(Guid source, bool ed25519, byte[] message, int position, byte mask)
    {
        message ??= [];
        using var key = KeyFrom(source, ed25519);
        var signature = key.Sign(message);

        signature[Math.Abs(position % signature.Length)] ^= mask == 0 ? (byte)1 : mask;

        Assert.False(XrplSignature.Verify(message, signature, key.PublicKey));
    }

    [Property(MaxTest = 60)]
    public void Flipping_any_byte_of_the_message_never_verifies(Guid source, bool ed25519, byte[] message, int position, byte mask)
    {
        message = message is null || message.Length == 0 ? [0] : message;
        using var key = KeyFrom(source, ed25519);
        var signature = key.Sign(message);

        message[Math.Abs(position % message.Length)] ^= mask == 0 ? (byte)1 : mask;

        Assert.False(XrplSignature.Verify(message, signature, key.PublicKey));
    }

    [Property(MaxTest = 30)]
    public void A_signature_does_not_verify_under_another_key(Guid source, Guid other, bool ed25519, byte[] message)
    {
        message ??= [];
        if (source == other)
        {
            return;
        }

        using var key = KeyFrom(source, ed25519);
        using var otherKey = KeyFrom(other, ed25519);

        Assert.False(XrplSignature.Verify(message, key.Sign(message), otherKey.PublicKey));
    }

    [Fact]
    public void Secp256k1_signatures_are_deterministic()
    {
        using var key = KeyFrom(Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"), ed25519: false);
        var message = Encoding.UTF8.GetBytes("same message");

        Assert.Equal(key.Sign(message), key.Sign(message));
    }

    [Fact]
    public void The_high_s_twin_of_a_valid_signature_is_refused_as_rippled_refuses_it()
    {
        using var key = KeyFrom(Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"), ed25519: false);
        var message = Encoding.UTF8.GetBytes("malleability");
        var (r, s) = ReadDer(key.Sign(message));

        var twin = WriteDer(r, Order - s);

        Assert.True(XrplSignature.Verify(message, WriteDer(r, s), key.PublicKey));
        Assert.False(XrplSignature.Verify(message, twin, key.PublicKey));
    }

    [Fact]
    public void Non_minimal_der_encodings_of_a_valid_signature_are_refused()
    {
        using var key = KeyFrom(Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"), ed25519: false);
        var message = Encoding.UTF8.GetBytes("strict DER");
        var signature = key.Sign(message);
        var (r, s) = ReadDer(signature);
        var rBytes = ToUnsigned(r);
        var sBytes = ToUnsigned(s);

        byte[] paddedR = [0x02, (byte)(rBytes.Length + 1), 0x00, .. rBytes];
        byte[] sPart = [0x02, (byte)sBytes.Length, .. sBytes];
        byte[] padded = [0x30, (byte)(paddedR.Length + sPart.Length), .. paddedR, .. sPart];
        byte[] wrongLength = [.. signature];
        wrongLength[1]++;
        byte[] trailing = [.. signature, 0x00];
        byte[] wrongTag = [.. signature];
        wrongTag[0] = 0x31;

        Assert.True(XrplSignature.Verify(message, signature, key.PublicKey));
        Assert.False(XrplSignature.Verify(message, padded, key.PublicKey));
        Assert.False(XrplSignature.Verify(message, wrongLength, key.PublicKey));
        Assert.False(XrplSignature.Verify(message, trailing, key.PublicKey));
        Assert.False(XrplSignature.Verify(message, wrongTag, key.PublicKey));
        Assert.False(XrplSignature.Verify(message, [], key.PublicKey));
    }

    [Fact]
    public void Malformed_public_keys_and_signatures_are_false_never_an_exception()
    {
        using var key = KeyFrom(Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"), ed25519: true);
        var message = Encoding.UTF8.GetBytes("x");
        var signature = key.Sign(message);

        Assert.False(XrplSignature.Verify(message, signature, key.PublicKey[..32]));
        Assert.False(XrplSignature.Verify(message, signature, [0x04, .. key.PublicKey[1..]]));
        Assert.False(XrplSignature.Verify(message, signature, [0x02, .. key.PublicKey[1..]]));
        Assert.False(XrplSignature.Verify(message, signature.AsSpan(0, 63), key.PublicKey));
        Assert.False(XrplSignature.Verify(message, [.. signature, 0], key.PublicKey));
        Assert.False(XrplSignature.Verify(message, [], []));
    }

    [Fact]
    public void An_empty_message_signs_and_verifies_for_both_key_types()
    {
        foreach (var ed25519 in new[] { false, true })
        {
            using var key = KeyFrom(Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"), ed25519);
            Assert.True(XrplSignature.Verify([], key.Sign([]), key.PublicKey));
        }
    }

    private static bool IsLowS(byte[] der) => ReadDer(der).S <= Order / 2;

    private static (BigInteger R, BigInteger S) ReadDer(byte[] der)
    {
        var rLength = der[3];
        var r = new BigInteger(der.AsSpan(4, rLength), isUnsigned: true, isBigEndian: true);
        var sLength = der[5 + rLength];
        var s = new BigInteger(der.AsSpan(6 + rLength, sLength), isUnsigned: true, isBigEndian: true);
        return (r, s);
    }

    private static byte[] ToUnsigned(BigInteger value)
    {
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        return (bytes[0] & 0x80) != 0 ? [0x00, .. bytes] : bytes;
    }

    private static byte[] WriteDer(BigInteger r, BigInteger s)
    {
        var rBytes = ToUnsigned(r);
        var sBytes = ToUnsigned(s);
        return [0x30, (byte)(4 + rBytes.Length + sBytes.Length), 0x02, (byte)rBytes.Length, .. rBytes, 0x02, (byte)sBytes.Length, .. sBytes];
    }
}
