using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Core;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Secrets.Files;
using HsmWallet.Core.Unlocking;

namespace HsmWallet.KeyProviders.KeyFile;

/// <summary>
/// The key-file unlocker: 32 random bytes in a 0600 file wrap the vault key through HKDF-SHA256. It is the
/// zero-configuration default and meant for testnet: a vault opened only by key files refuses mainnet wallets.
/// </summary>
public sealed class KeyFileKeyProvider : IKeyProvider
{
    /// <summary>The slot kind.</summary>
    public const string KindName = "keyfile";

    /// <summary>The key file's exact length.</summary>
    public const int KeyLength = 32;

    private const int SaltLength = 32;
    private static readonly byte[] Info = Encoding.ASCII.GetBytes("hsmwallet keyfile v1");
    private readonly string? _keyFilePath;

    /// <summary>Creates the unlocker; <paramref name="keyFilePath"/> is the file to enrol (created 0600 if absent).</summary>
    public KeyFileKeyProvider(string? keyFilePath = null) =>
        _keyFilePath = keyFilePath is null ? null : Path.GetFullPath(keyFilePath);

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public bool IsHardwareBacked => false;

    /// <inheritdoc />
    public KeyProviderHealth CheckHealth() => KeyProviderHealth.Healthy("no device needed");

    /// <inheritdoc />
    public SecretRequest? EnrolmentSecret(SlotBinding binding) => null;

    /// <inheritdoc />
    public SlotEnrolment Enrol(ReadOnlySpan<byte> vaultKey, SlotBinding binding, ReadOnlySpan<byte> secret)
    {
        var path = _keyFilePath ?? throw new InvalidInputException("key-file", "is needed to enrol a key-file slot");
        using var key = File.Exists(path) ? ProtectedFile.ReadSecret(path) : CreateKeyFile(path);
        if (key.Length != KeyLength)
        {
            throw new InvalidInputException("key-file", $"must hold exactly {KeyLength} bytes");
        }

        var salt = RandomNumberGenerator.GetBytes(SaltLength);
        var parameters = new JsonObject
        {
            ["keyFile"] = path,
            ["salt"] = Convert.ToBase64String(salt),
        };
        using var keyEncryptionKey = Derive(key.ReadOnlySpan, salt);
        SlotKeyWrap.Wrap(keyEncryptionKey.ReadOnlySpan, vaultKey, binding, parameters);
        return new SlotEnrolment(parameters);
    }

    /// <inheritdoc />
    public SecretRequest? UnlockSecret(JsonObject parameters, SlotBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        return new SecretRequest(SecretKind.KeyFile, $"Key file for slot {binding.SlotId}", SlotParameters.GetOptionalString(parameters, "keyFile"));
    }

    /// <inheritdoc />
    public SecureBuffer Unwrap(JsonObject parameters, SlotBinding binding, ReadOnlySpan<byte> secret)
    {
        ArgumentNullException.ThrowIfNull(binding);
        if (secret.Length != KeyLength)
        {
            throw new UnlockFailedException(UnlockFailureReason.WrongSecret, $"slot {binding.SlotId} (keyfile): the key file does not open this slot");
        }

        var salt = SlotParameters.GetBytes(parameters, "salt", SaltLength);
        using var keyEncryptionKey = Derive(secret, salt);
        return SlotKeyWrap.Unwrap(keyEncryptionKey.ReadOnlySpan, parameters, binding);
    }

    private static SecureBuffer CreateKeyFile(string path)
    {
        var directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
        {
            ProtectedFile.EnsurePrivateDirectory(directory);
        }

        var key = SecureBuffer.Random(KeyLength);
        ProtectedFile.CreateSecretFile(path, key.ReadOnlySpan);
        return key;
    }

    private static SecureBuffer Derive(ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt)
    {
        var derived = new SecureBuffer(SlotKeyWrap.KeyLength);
        HKDF.DeriveKey(HashAlgorithmName.SHA256, key, derived.Span, salt, Info);
        return derived;
    }
}
