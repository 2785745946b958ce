using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Unlocking;

namespace HsmWallet.KeyProviders.Recovery;

/// <summary>
/// The recovery-key unlocker: a 160-bit key shown once at enrolment and never stored; the slot wraps the
/// vault key under HKDF-SHA256 of it. It opens the vault when the password or device is lost.
/// </summary>
public sealed class RecoveryKeyProvider : IKeyProvider
{
    /// <summary>The slot kind.</summary>
    public const string KindName = "recovery";

    private const int SaltLength = 32;
    private static readonly byte[] Info = Encoding.ASCII.GetBytes("hsmwallet recovery v1");

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
        var (key, text) = RecoveryKeyFormat.Generate();
        try
        {
            var salt = RandomNumberGenerator.GetBytes(SaltLength);
            var parameters = new JsonObject
            {
                ["format"] = "crockford32-8x5",
                ["salt"] = Convert.ToBase64String(salt),
            };
            using var keyEncryptionKey = Derive(key.ReadOnlySpan, salt);
            SlotKeyWrap.Wrap(keyEncryptionKey.ReadOnlySpan, vaultKey, binding, parameters);
            return new SlotEnrolment(parameters, text);
        }
        catch
        {
            text.Dispose();
            throw;
        }
        finally
        {
            key.Dispose();
        }
    }

    /// <inheritdoc />
    public SecretRequest? UnlockSecret(JsonObject parameters, SlotBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        return new SecretRequest(SecretKind.RecoveryKey, $"Recovery key for slot {binding.SlotId}");
    }

    /// <inheritdoc />
    public SecureBuffer Unwrap(JsonObject parameters, SlotBinding binding, ReadOnlySpan<byte> secret)
    {
        var salt = SlotParameters.GetBytes(parameters, "salt", SaltLength);
        using var key = RecoveryKeyFormat.Parse(secret);
        using var keyEncryptionKey = Derive(key.ReadOnlySpan, salt);
        return SlotKeyWrap.Unwrap(keyEncryptionKey.ReadOnlySpan, parameters, binding);
    }

    private static SecureBuffer Derive(ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt)
    {
        var derived = new SecureBuffer(SlotKeyWrap.KeyLength);
        HKDF.DeriveKey(HashAlgorithmName.SHA256, key, derived.Span, salt, Info);
        return derived;
    }
}
