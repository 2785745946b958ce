using NBitcoin.Secp256k1;
using NSec.Cryptography;

namespace HsmWallet.Core.Xrpl.Keys;

/// <summary>
/// Verifies XRPL signatures by the ledger's rules (secp256k1: strict DER, low S, over SHA-512Half of
/// the message; Ed25519: over the message), so the wallet can check what it signed or was given.
/// </summary>
public static class XrplSignature
{
    private const int Ed25519SignatureLength = 64;

    /// <summary>
    /// True only when <paramref name="signature"/> is a canonical signature of
    /// <paramref name="message"/> by <paramref name="publicKey"/>; any malformed input is false.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != PublicKeys.Length)
        {
            return false;
        }

        return publicKey[0] switch
        {
            PublicKeys.Ed25519Prefix => VerifyEd25519(message, signature, publicKey[1..]),
            0x02 or 0x03 => VerifySecp256k1(message, signature, publicKey),
            _ => false,
        };
    }

    /// <summary>
    /// Turns a raw secp256k1 ECDSA signature (r || s, 32 bytes each, as PKCS#11's CKM_ECDSA returns it) into what the
    /// ledger accepts: S normalized to the low half of the order, then strict DER. A device need not emit low S.
    /// Throws <see cref="InvalidInputException"/> naming "signature" for anything that is not a valid r || s.
    /// </summary>
    public static byte[] EncodeSecp256k1(ReadOnlySpan<byte> rawSignature)
    {
        if (rawSignature.Length != EcdsaSignatureEncoding.CompactLength || !SecpECDSASignature.TryCreateFromCompact(rawSignature, out var signature))
        {
            throw new InvalidInputException("signature", "must be r || s of 64 bytes with both below the secp256k1 order");
        }

        if (signature.TryNormalize(out var lowS))
        {
            signature = lowS;
        }

        Span<byte> der = stackalloc byte[72];
        signature.WriteDerToSpan(der, out var length);
        return der[..length].ToArray();
    }

    private static bool VerifySecp256k1(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> publicKey)
    {
        Span<byte> compact = stackalloc byte[EcdsaSignatureEncoding.CompactLength];
        // rippled requires fully canonical (low-S) signatures on transactions; so do we.
        if (!EcdsaSignatureEncoding.TryParseStrictDer(signature, compact, out var isLowS) || !isLowS)
        {
            return false;
        }

        if (!SecpECDSASignature.TryCreateFromCompact(compact, out var parsed)
            || !Context.Instance.TryCreatePubKey(publicKey, out var key))
        {
            return false;
        }

        Span<byte> digest = stackalloc byte[KeyHashing.Sha512HalfLength];
        KeyHashing.Sha512Half(message, digest);
        return key.SigVerify(parsed, digest);
    }

    private static bool VerifyEd25519(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> rawPublicKey)
    {
        if (signature.Length != Ed25519SignatureLength
            || !PublicKey.TryImport(SignatureAlgorithm.Ed25519, rawPublicKey, KeyBlobFormat.RawPublicKey, out var key)
            || key is null)
        {
            return false;
        }

        // libsodium refuses non-canonical S and small-order keys, as rippled does.
        return SignatureAlgorithm.Ed25519.Verify(key, message, signature);
    }
}
