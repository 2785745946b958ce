using System.Security.Cryptography;

namespace HsmWallet.KeyProviders.Pkcs11;

/// <summary>
/// The AES-256-GCM layer shared by every mode: nonce(12) | ciphertext | tag(16) over the 32-byte vault key,
/// with the vault's associated data bound in. Token-side GCM (aes-gcm) and .NET GCM (ecies, rsa-oaep) both
/// produce this layout.
/// </summary>
internal static class GcmEnvelope
{
    /// <summary>Bytes of the vault key.</summary>
    public const int VaultKeyLength = 32;

    /// <summary>Bytes of the GCM nonce.</summary>
    public const int NonceLength = 12;

    /// <summary>Bytes of the GCM tag.</summary>
    public const int TagLength = 16;

    /// <summary>Bytes of nonce, ciphertext and tag together.</summary>
    public const int Length = NonceLength + VaultKeyLength + TagLength;

    /// <summary>Encrypts the vault key under a one-time key held only by the caller.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> vaultKey, ReadOnlySpan<byte> associatedData)
    {
        var sealedKey = new byte[Length];
        var output = sealedKey.AsSpan();
        RandomNumberGenerator.Fill(output[..NonceLength]);
        using var gcm = new AesGcm(key, TagLength);
        gcm.Encrypt(output[..NonceLength], vaultKey, output.Slice(NonceLength, VaultKeyLength), output[(NonceLength + VaultKeyLength)..], associatedData);
        return sealedKey;
    }

    /// <summary>Decrypts into the caller's buffer; a bad tag is IntegrityFailure and leaves the buffer zeroed.</summary>
    public static void Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> sealedKey, ReadOnlySpan<byte> associatedData, Span<byte> destination)
    {
        using var gcm = new AesGcm(key, TagLength);
        try
        {
            gcm.Decrypt(sealedKey[..NonceLength], sealedKey.Slice(NonceLength, VaultKeyLength), sealedKey[(NonceLength + VaultKeyLength)..], destination[..VaultKeyLength], associatedData);
        }
        catch (AuthenticationTagMismatchException error)
        {
            CryptographicOperations.ZeroMemory(destination);
            throw new Pkcs11UnlockException(Pkcs11Failure.IntegrityFailure, "PKCS#11: the wrapped key does not verify (altered, other associated data, or another key)", default, null, error);
        }
    }
}
