using System.Security.Cryptography;

namespace HsmWallet.KeyProviders.Pkcs11;

/// <summary>
/// RSA-OAEP to a token's RSA key: a one-time AES-256 key is OAEP-encrypted (SHA-1 and MGF1-SHA-1, the only
/// OAEP hash SoftHSM2 accepts and one every token supports) and the vault key is sealed under it with GCM, so
/// the vault's associated data is bound the same way as in the other modes.
/// </summary>
internal static class RsaOaepEnvelope
{
    /// <summary>Wraps the vault key to the RSA public key; returns OAEP ciphertext | nonce | ciphertext | tag.</summary>
    public static byte[] Seal(RSAParameters publicKey, ReadOnlySpan<byte> vaultKey, ReadOnlySpan<byte> associatedData)
    {
        using var rsa = RSA.Create(publicKey);
        if (rsa.KeySize < 2048)
        {
            throw new Pkcs11UnlockException(Pkcs11Failure.MechanismUnsupported, "PKCS#11: RSA keys shorter than 2048 bits are refused");
        }

        var key = RandomNumberGenerator.GetBytes(32);
        try
        {
            var encryptedKey = rsa.Encrypt(key, RSAEncryptionPadding.OaepSHA1);
            return [.. encryptedKey, .. GcmEnvelope.Seal(key, vaultKey, associatedData)];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Reads an RSA public key from PEM (SubjectPublicKeyInfo or PKCS#1).</summary>
    public static RSAParameters PublicKeyFromPem(string pem)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return rsa.ExportParameters(false);
    }
}
