using System.Security.Cryptography;
using System.Text;
using HsmWallet.Core.Secrets;

namespace HsmWallet.Core.Vault;

/// <summary>
/// Seals and opens the vault's records: a key per record from HKDF-SHA256(vault key, per-record salt),
/// a fresh 96-bit IV per encryption, associated data binding the record to its vault and place, and a
/// key commitment checked first so a wrong key never yields plaintext.
/// </summary>
internal static class RecordCipher
{
    public const int KeyLength = 32;
    public const int SaltLength = 32;
    public const int IvLength = 12;
    public const int TagLength = 16;
    private const string InfoPrefix = "hsmwallet vault v1 ";
    private static readonly byte[] KeyCheckInfo = Encoding.ASCII.GetBytes("hsmwallet vault v1 key check");

    /// <summary>The vault's commitment to its key: lets an unwrapped key be verified before any record is touched.</summary>
    public static byte[] KeyCheck(ReadOnlySpan<byte> vaultKey, ReadOnlySpan<byte> vaultId)
    {
        var check = new byte[KeyLength];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, vaultKey, check, vaultId, KeyCheckInfo);
        return check;
    }

    public static Envelope Seal(ReadOnlySpan<byte> vaultKey, string purpose, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltLength);
        var iv = RandomNumberGenerator.GetBytes(IvLength);
        using var derived = Derive(vaultKey, salt, purpose);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[TagLength];
        using (var aes = new AesGcm(derived.ReadOnlySpan[..KeyLength], TagLength))
        {
            aes.Encrypt(iv, plaintext, ciphertext, tag, associatedData);
        }

        return new Envelope(salt, iv, derived.ReadOnlySpan[KeyLength..].ToArray(), ciphertext, tag);
    }

    public static SecureBuffer Open(ReadOnlySpan<byte> vaultKey, string purpose, ReadOnlySpan<byte> associatedData, Envelope envelope, string what)
    {
        using var derived = Derive(vaultKey, envelope.Salt, purpose);
        if (!CryptographicOperations.FixedTimeEquals(derived.ReadOnlySpan[KeyLength..], envelope.Commitment))
        {
            throw new VaultIntegrityException($"{what}: its key commitment does not match (altered or from another vault)");
        }

        var plaintext = new SecureBuffer(envelope.Ciphertext.Length);
        try
        {
            using var aes = new AesGcm(derived.ReadOnlySpan[..KeyLength], TagLength);
            aes.Decrypt(envelope.Iv, envelope.Ciphertext, envelope.Tag, plaintext.Span, associatedData);
            return plaintext;
        }
        catch (AuthenticationTagMismatchException exception)
        {
            plaintext.Dispose();
            throw new VaultIntegrityException($"{what}: fails authentication (the vault file was altered)", exception);
        }
    }

    private static SecureBuffer Derive(ReadOnlySpan<byte> vaultKey, ReadOnlySpan<byte> salt, string purpose)
    {
        var derived = new SecureBuffer(2 * KeyLength);
        HKDF.DeriveKey(HashAlgorithmName.SHA256, vaultKey, derived.Span, salt, Encoding.ASCII.GetBytes(InfoPrefix + purpose));
        return derived;
    }
}
