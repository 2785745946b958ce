namespace HsmWallet.Core.Xrpl.Keys;

/// <summary>
/// The two secp256k1 operations on the signing path (public key from private key; RFC 6979 ECDSA with low S),
/// as a port so a host can plug in a faster engine (native libsecp256k1 in HsmWallet.KeyProviders) while Core
/// itself stays free of native libraries; <see cref="Secp256k1Engines"/> holds the one in use.
/// </summary>
public interface ISecp256k1Engine
{
    /// <summary>A short name for status and benchmark output, e.g. "libsecp256k1 0.2 (native)".</summary>
    string Name { get; }

    /// <summary>
    /// Writes the 33-byte compressed public key of <paramref name="privateKey"/> (32 bytes, big-endian) into
    /// <paramref name="compressedPublicKey"/>; false when the key is zero or not below the curve order.
    /// </summary>
    bool TryCreatePublicKey(ReadOnlySpan<byte> privateKey, Span<byte> compressedPublicKey);

    /// <summary>
    /// Signs the 32-byte <paramref name="digest"/> with an RFC 6979 nonce (no extra data), S normalized to the low
    /// half, as strict DER into <paramref name="der"/> (72 bytes of room); returns the DER length. Throws
    /// <see cref="System.Security.Cryptography.CryptographicException"/> when the key is invalid.
    /// </summary>
    int SignRfc6979LowS(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> digest, Span<byte> der);
}
