using System.Text.Json.Nodes;
using HsmWallet.Core;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Unlocking;

namespace HsmWallet.KeyProviders.Password;

/// <summary>
/// The password unlocker: Argon2id (32-byte salt per slot, costs stored in the slot) turns the password
/// into the key that wraps the vault key.
/// </summary>
public sealed class PasswordKeyProvider : IKeyProvider
{
    /// <summary>The slot kind.</summary>
    public const string KindName = "password";

    /// <summary>Shortest password accepted at enrolment, in bytes.</summary>
    public const int MinimumPasswordLength = 8;

    private const int SaltLength = 32;
    private readonly Argon2Parameters? _enrolmentParameters;
    private readonly IArgon2id _argon2;

    /// <summary>
    /// Creates the unlocker. <paramref name="enrolmentParameters"/> set the costs of a new slot (null:
    /// calibrate at enrolment); unlocking always uses the costs stored in the slot.
    /// </summary>
    public PasswordKeyProvider(Argon2Parameters? enrolmentParameters = null, IArgon2id? argon2 = null)
    {
        enrolmentParameters?.Validate();
        _enrolmentParameters = enrolmentParameters;
        _argon2 = argon2 ?? new LibArgon2id();
    }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public bool IsHardwareBacked => false;

    /// <inheritdoc />
    public KeyProviderHealth CheckHealth() => _argon2.CheckHealth();

    /// <inheritdoc />
    public SecretRequest? EnrolmentSecret(SlotBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        return new SecretRequest(SecretKind.Password, $"New password for slot {binding.SlotId}", Confirm: true, MinimumLength: MinimumPasswordLength);
    }

    /// <inheritdoc />
    public SlotEnrolment Enrol(ReadOnlySpan<byte> vaultKey, SlotBinding binding, ReadOnlySpan<byte> secret)
    {
        ArgumentNullException.ThrowIfNull(binding);
        if (secret.Length < MinimumPasswordLength)
        {
            throw new InvalidInputException("password", $"must be at least {MinimumPasswordLength} bytes long");
        }

        var costs = _enrolmentParameters ?? Argon2Calibration.Calibrate(_argon2);
        var salt = SecureBuffer.Random(SaltLength);
        using (salt)
        {
            var parameters = new JsonObject
            {
                ["kdf"] = "argon2id",
                ["memoryKib"] = costs.MemoryKib,
                ["iterations"] = costs.Iterations,
                ["parallelism"] = costs.Parallelism,
                ["salt"] = Convert.ToBase64String(salt.ReadOnlySpan),
            };
            using var keyEncryptionKey = new SecureBuffer(SlotKeyWrap.KeyLength);
            _argon2.DeriveKey(secret, salt.ReadOnlySpan, costs, keyEncryptionKey.Span);
            SlotKeyWrap.Wrap(keyEncryptionKey.ReadOnlySpan, vaultKey, binding, parameters);
            return new SlotEnrolment(parameters);
        }
    }

    /// <inheritdoc />
    public SecretRequest? UnlockSecret(JsonObject parameters, SlotBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        return new SecretRequest(SecretKind.Password, $"Password for slot {binding.SlotId}");
    }

    /// <inheritdoc />
    public SecureBuffer Unwrap(JsonObject parameters, SlotBinding binding, ReadOnlySpan<byte> secret)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (SlotParameters.GetString(parameters, "kdf") != "argon2id")
        {
            throw new Core.Vault.VaultIntegrityException("password slot: unknown KDF");
        }

        var costs = new Argon2Parameters(
            SlotParameters.GetInt32(parameters, "memoryKib", Argon2Parameters.MinimumMemoryKib, Argon2Parameters.MaximumMemoryKib),
            SlotParameters.GetInt32(parameters, "iterations", 1, Argon2Parameters.MaximumIterations),
            SlotParameters.GetInt32(parameters, "parallelism", 1, Argon2Parameters.MaximumParallelism));
        var salt = SlotParameters.GetBytes(parameters, "salt", SaltLength);
        using var keyEncryptionKey = new SecureBuffer(SlotKeyWrap.KeyLength);
        _argon2.DeriveKey(secret, salt, costs, keyEncryptionKey.Span);
        return SlotKeyWrap.Unwrap(keyEncryptionKey.ReadOnlySpan, parameters, binding);
    }
}
