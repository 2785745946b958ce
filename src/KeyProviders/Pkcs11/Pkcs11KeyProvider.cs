using System.Text.Json.Nodes;
using HsmWallet.Core;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Unlocking;

namespace HsmWallet.KeyProviders.Pkcs11;

/// <summary>
/// Puts a PKCS#11 token (HSM, YubiHSM, YubiKey, SoftHSM) behind the vault's unlocking port: the vault key
/// is wrapped by a key that never leaves the token, and each unwrap needs the token and its PIN.
/// </summary>
public sealed class Pkcs11KeyProvider : IKeyProvider
{
    /// <summary>The slot kind recorded in the vault.</summary>
    public const string KindName = "pkcs11";

    private readonly Pkcs11SlotConfiguration? _enrolment;

    /// <summary>Creates the provider; <paramref name="enrolment"/> names the token and key for a new slot, and is not needed to unlock.</summary>
    public Pkcs11KeyProvider(Pkcs11SlotConfiguration? enrolment = null) => _enrolment = enrolment;

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public bool IsHardwareBacked => true;

    /// <inheritdoc />
    public KeyProviderHealth CheckHealth()
    {
        if (_enrolment is null)
        {
            return KeyProviderHealth.Healthy("PKCS#11 support present; slots name their own module and token");
        }

        var health = Pkcs11Unlocker.Health(_enrolment);
        return health.Healthy
            ? KeyProviderHealth.Healthy($"token present, key found, PIN {health.PinStatus.Describe()}")
            : KeyProviderHealth.Unhealthy(health.Problem ?? "token not usable");
    }

    /// <summary>Checks the token a slot names, so `slot test` and `status` can report module, token, key and PIN flags.</summary>
    public static Pkcs11Health CheckSlot(JsonObject parameters) => Pkcs11Unlocker.Health(ReadConfiguration(parameters));

    /// <inheritdoc />
    public SecretRequest? EnrolmentSecret(SlotBinding binding) =>
        Enrolment.Mode == Pkcs11WrapMode.AesGcm ? PinRequest(Enrolment) : null;

    /// <inheritdoc />
    public SlotEnrolment Enrol(ReadOnlySpan<byte> vaultKey, SlotBinding binding, ReadOnlySpan<byte> secret)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var configuration = Enrolment;
        Pkcs11WrapResult wrapped;
        try
        {
            wrapped = Pkcs11Unlocker.Wrap(configuration, vaultKey, binding.AssociatedData, secret);
        }
        catch (Pkcs11UnlockException error)
        {
            throw Translate(error, binding);
        }

        var parameters = new JsonObject
        {
            ["token"] = configuration.ToJson(),
            ["wrapped"] = Convert.ToBase64String(wrapped.Wrapped),
        };
        return new SlotEnrolment(parameters);
    }

    /// <inheritdoc />
    public SecretRequest? UnlockSecret(JsonObject parameters, SlotBinding binding) => PinRequest(ReadConfiguration(parameters));

    /// <inheritdoc />
    public SecureBuffer Unwrap(JsonObject parameters, SlotBinding binding, ReadOnlySpan<byte> secret)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var configuration = ReadConfiguration(parameters);
        var wrapped = SlotParameters.GetBytes(parameters, "wrapped");
        var vaultKey = new SecureBuffer(32);
        try
        {
            TranslateUnwrap(configuration, wrapped, binding, secret, vaultKey);
            return vaultKey;
        }
        catch
        {
            vaultKey.Dispose();
            throw;
        }
    }

    private Pkcs11SlotConfiguration Enrolment =>
        _enrolment ?? throw new InvalidInputException("module", "a PKCS#11 slot needs --module, --token-label or --token-serial, and --key-label");

    private static SecretRequest PinRequest(Pkcs11SlotConfiguration configuration) =>
        new(SecretKind.Pin, $"PIN for PKCS#11 token {configuration.TokenLabel ?? configuration.TokenSerial}");

    private static Pkcs11SlotConfiguration ReadConfiguration(JsonObject parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return parameters["token"] is JsonObject token
            ? Pkcs11SlotConfiguration.FromJson(token)
            : throw new InvalidInputException("slot", "a PKCS#11 slot has no token configuration");
    }

    private static void TranslateUnwrap(Pkcs11SlotConfiguration configuration, byte[] wrapped, SlotBinding binding, ReadOnlySpan<byte> pin, SecureBuffer destination)
    {
        try
        {
            Pkcs11Unlocker.Unwrap(configuration, wrapped, binding.AssociatedData, pin, destination.Span);
        }
        catch (Pkcs11UnlockException error)
        {
            throw Translate(error, binding);
        }
    }

    /// <summary>Maps token failures onto the port's errors: only a wrong PIN counts toward the lockout.</summary>
    private static Exception Translate(Pkcs11UnlockException error, SlotBinding binding) => error.Failure switch
    {
        // A PIN the token refused as malformed was still presented to it: count it like a wrong one, so no
        // module's choice of return value opens a way around HsmWallet's own lockout.
        Pkcs11Failure.PinIncorrect or Pkcs11Failure.PinFormatInvalid
            => new UnlockFailedException(UnlockFailureReason.WrongSecret, $"slot {binding.SlotId} (pkcs11): {error.Message}", error),
        // The PIN was never tested (or was right but expired): the vault takes the attempt back and tries another slot.
        Pkcs11Failure.ModuleNotFound or Pkcs11Failure.TokenNotPresent or Pkcs11Failure.DeviceError or Pkcs11Failure.KeyNotFound
            or Pkcs11Failure.PinLocked or Pkcs11Failure.PinExpired or Pkcs11Failure.MechanismUnsupported
            => new KeyProviderUnavailableException($"slot {binding.SlotId} (pkcs11): {error.Message}", error),
        _ => new UnlockFailedException(UnlockFailureReason.ProviderUnavailable, $"slot {binding.SlotId} (pkcs11): {error.Message}", error),
    };
}
