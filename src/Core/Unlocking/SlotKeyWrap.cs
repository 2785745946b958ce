using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Vault;

namespace HsmWallet.Core.Unlocking;

/// <summary>
/// Wraps the vault key under a key-encryption key with AES-256-GCM plus a key commitment, for every
/// unlocker whose KEK reaches this process (password, key file, recovery key, ECIES): a wrong KEK is told
/// apart from a damaged slot, and can never "decrypt" to a key taken as real.
/// </summary>
public static class SlotKeyWrap
{
    /// <summary>Length of the vault key and of every key-encryption key: 256 bits.</summary>
    public const int KeyLength = 32;

    private const int IvLength = 12;
    private const int TagLength = 16;
    private static readonly byte[] Info = Encoding.ASCII.GetBytes("hsmwallet slot wrap v1");

    /// <summary>Encrypts the vault key and adds "iv", "commitment", "ciphertext" and "tag" to the slot parameters.</summary>
    public static void Wrap(ReadOnlySpan<byte> keyEncryptionKey, ReadOnlySpan<byte> vaultKey, SlotBinding binding, JsonObject parameters)
    {
        ArgumentNullException.ThrowIfNull(binding);
        ArgumentNullException.ThrowIfNull(parameters);
        if (vaultKey.Length != KeyLength)
        {
            throw new ArgumentException("the vault key must be 32 bytes", nameof(vaultKey));
        }

        using var derived = Derive(keyEncryptionKey);
        var iv = RandomNumberGenerator.GetBytes(IvLength);
        var ciphertext = new byte[KeyLength];
        var tag = new byte[TagLength];
        using (var aes = new AesGcm(derived.ReadOnlySpan[..KeyLength], TagLength))
        {
            aes.Encrypt(iv, vaultKey, ciphertext, tag, binding.AssociatedData);
        }

        parameters["iv"] = Convert.ToBase64String(iv);
        parameters["commitment"] = Convert.ToBase64String(derived.ReadOnlySpan[KeyLength..]);
        parameters["ciphertext"] = Convert.ToBase64String(ciphertext);
        parameters["tag"] = Convert.ToBase64String(tag);
    }

    /// <summary>
    /// Decrypts the vault key; a KEK that does not match the commitment gives <see cref="UnlockFailedException"/>
    /// (wrong secret) before any decryption is tried.
    /// </summary>
    public static SecureBuffer Unwrap(ReadOnlySpan<byte> keyEncryptionKey, JsonObject parameters, SlotBinding binding)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(binding);
        var iv = SlotParameters.GetBytes(parameters, "iv", IvLength);
        var commitment = SlotParameters.GetBytes(parameters, "commitment", KeyLength);
        var ciphertext = SlotParameters.GetBytes(parameters, "ciphertext", KeyLength);
        var tag = SlotParameters.GetBytes(parameters, "tag", TagLength);

        using var derived = Derive(keyEncryptionKey);
        if (!CryptographicOperations.FixedTimeEquals(derived.ReadOnlySpan[KeyLength..], commitment))
        {
            throw new UnlockFailedException(
                UnlockFailureReason.WrongSecret,
                $"slot {binding.SlotId} ({binding.Kind}): the secret does not open this slot");
        }

        var vaultKey = new SecureBuffer(KeyLength);
        try
        {
            using var aes = new AesGcm(derived.ReadOnlySpan[..KeyLength], TagLength);
            aes.Decrypt(iv, ciphertext, tag, vaultKey.Span, binding.AssociatedData);
            return vaultKey;
        }
        catch (AuthenticationTagMismatchException exception)
        {
            vaultKey.Dispose();
            throw new VaultIntegrityException($"slot {binding.SlotId} ({binding.Kind}): the wrapped key fails authentication (the slot was altered)", exception);
        }
    }

    private static SecureBuffer Derive(ReadOnlySpan<byte> keyEncryptionKey)
    {
        if (keyEncryptionKey.Length < KeyLength)
        {
            throw new ArgumentException("a key-encryption key must be at least 32 bytes", nameof(keyEncryptionKey));
        }

        var derived = new SecureBuffer(2 * KeyLength);
        HKDF.DeriveKey(HashAlgorithmName.SHA256, keyEncryptionKey, derived.Span, ReadOnlySpan<byte>.Empty, Info);
        return derived;
    }
}
