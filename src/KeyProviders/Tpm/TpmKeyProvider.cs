using System.Text.Json.Nodes;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Unlocking;
using HsmWallet.KeyProviders.Tpm.PinHardening;

namespace HsmWallet.KeyProviders.Tpm;

/// <summary>
/// Puts the machine's TPM 2.0 behind the vault's unlocking port: a secret sealed to this TPM (and
/// optionally to its boot state) is needed together with the PIN, so a copied vault file opens nowhere else.
/// </summary>
public sealed class TpmKeyProvider : IKeyProvider
{
    /// <summary>The slot kind recorded in the vault.</summary>
    public const string KindName = "tpm";

    private readonly TpmSealer _sealer;
    private readonly string? _tcti;
    private readonly IReadOnlyList<int> _pcrs;
    private readonly bool _withPin;
    private readonly TpmPinKdfCost? _pinCost;

    /// <summary>
    /// Creates the provider. <paramref name="tcti"/> overrides the slot's recorded TCTI (default
    /// $HSMWALLET_TPM_TCTI, then device:/dev/tpmrm0); <paramref name="pcrs"/> binds new slots to those
    /// sha256 PCRs; <paramref name="withPin"/> asks for a PIN at enrolment; <paramref name="pinCost"/>
    /// replaces the default Argon2id cost of the PIN (cheaper in tests, costlier on strong machines).
    /// </summary>
    public TpmKeyProvider(string? tcti = null, IReadOnlyList<int>? pcrs = null, bool withPin = true, TpmSealer? sealer = null, TpmPinKdfCost? pinCost = null)
    {
        _pinCost = pinCost;
        _tcti = tcti;
        _pcrs = pcrs ?? [];
        _withPin = withPin;
        _sealer = sealer ?? new TpmSealer();
    }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public bool IsHardwareBacked => true;

    /// <inheritdoc />
    public bool LimitsWrongPins => true;

    /// <inheritdoc />
    public KeyProviderHealth CheckHealth() => CheckHealth(null);

    private KeyProviderHealth CheckHealth(TpmSlotParameters? slot)
    {
        var tcti = slot is null ? TpmTcti.Resolve(_tcti) : UnlockTcti(slot);
        try
        {
            var status = TpmSealer.Status(tcti);
            return status.Lockout.InLockout
                ? KeyProviderHealth.Unhealthy($"TPM {status.Manufacturer} on {tcti} is in dictionary-attack lockout")
                : KeyProviderHealth.Healthy($"TPM {status.Manufacturer} on {tcti}, {status.Lockout.FailedAttempts} of {status.Lockout.MaxFailedAttempts} tries used");
        }
        catch (TpmUnlockException error)
        {
            return KeyProviderHealth.Unhealthy(error.Message);
        }
    }

    /// <summary>Checks the TPM a slot names (an explicit <paramref name="tcti"/>, $HSMWALLET_TPM_TCTI, then the recorded one), for `status` and `slot test`.</summary>
    public static KeyProviderHealth CheckSlot(JsonObject parameters, string? tcti = null)
    {
        var slot = TpmSlotParameters.FromJson(parameters);
        return new TpmKeyProvider(tcti).CheckHealth(slot);
    }

    /// <inheritdoc />
    public SecretRequest? EnrolmentSecret(SlotBinding binding) =>
        _withPin ? new SecretRequest(SecretKind.Pin, "New TPM PIN", Confirm: true) : null;

    /// <inheritdoc />
    public SlotEnrolment Enrol(ReadOnlySpan<byte> vaultKey, SlotBinding binding, ReadOnlySpan<byte> secret)
    {
        try
        {
            return new SlotEnrolment(_sealer.Seal(TpmTcti.Resolve(_tcti), vaultKey, secret, _pcrs, _pinCost).ToJson());
        }
        catch (TpmUnlockException error)
        {
            throw Translate(error, binding);
        }
    }

    /// <inheritdoc />
    public SecretRequest? UnlockSecret(JsonObject parameters, SlotBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        return TpmSlotParameters.FromJson(parameters).PinProtected
            ? new SecretRequest(SecretKind.Pin, $"TPM PIN for slot {binding.SlotId}")
            : null;
    }

    /// <inheritdoc />
    public SecureBuffer Unwrap(JsonObject parameters, SlotBinding binding, ReadOnlySpan<byte> secret)
    {
        var slot = TpmSlotParameters.FromJson(parameters);
        var vaultKey = new SecureBuffer(32);
        try
        {
            _sealer.Unseal(slot, UnlockTcti(slot), secret, vaultKey.Span);
            return vaultKey;
        }
        catch (TpmUnlockException error)
        {
            vaultKey.Dispose();
            throw Translate(error, binding);
        }
        catch
        {
            vaultKey.Dispose();
            throw;
        }
    }

    /// <summary>An explicit --tcti wins, then $HSMWALLET_TPM_TCTI, then the TCTI recorded at enrolment.</summary>
    private string UnlockTcti(TpmSlotParameters slot) =>
        _tcti ?? (Environment.GetEnvironmentVariable(TpmTcti.EnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : slot.Tcti);

    /// <summary>Maps TPM failures onto the port's errors: only a wrong PIN counts toward HsmWallet's lockout.</summary>
    private static Exception Translate(TpmUnlockException error, SlotBinding binding) => error.Failure switch
    {
        TpmFailure.PinIncorrect => new UnlockFailedException(UnlockFailureReason.WrongSecret, $"slot {binding.SlotId} (tpm): {error.Message}", error),
        // The PIN was never tested: the boot state changed, or the TPM itself is in lockout. The vault takes the
        // attempt back and moves on to another slot (a password slot still opens the vault).
        TpmFailure.NoDevice or TpmFailure.OutOfObjectMemory or TpmFailure.PcrMismatch or TpmFailure.DictionaryLockout => new KeyProviderUnavailableException($"slot {binding.SlotId} (tpm): {error.Message}", error),
        _ => new UnlockFailedException(UnlockFailureReason.ProviderUnavailable, $"slot {binding.SlotId} (tpm): {error.Message}", error),
    };
}
