using System.Text.Json.Nodes;
using HsmWallet.Core.Secrets;

namespace HsmWallet.Core.Unlocking;

/// <summary>
/// The port every unlocker implements (password, key file, recovery key; later PKCS#11 and TPM): it wraps
/// the vault's random 256-bit key into a slot and unwraps it for one operation. A slot's parameters are a
/// non-secret JSON object the provider alone reads and writes; secret inputs arrive at call time.
/// </summary>
public interface IKeyProvider
{
    /// <summary>The slot kind this provider owns, e.g. "password", "keyfile", "recovery", "pkcs11", "tpm".</summary>
    string Kind { get; }

    /// <summary>True when the wrapping key lives in hardware and never enters this process.</summary>
    bool IsHardwareBacked { get; }

    /// <summary>
    /// True when the device itself limits wrong PINs in a way no file edit resets (a TPM's dictionary-attack
    /// lockout): such a slot is not held back by the vault's lockout. False for PKCS#11, because some tokens
    /// (SoftHSM2) never lock a PIN and HsmWallet cannot tell which ones do.
    /// </summary>
    bool LimitsWrongPins => false;

    /// <summary>Reports whether the provider can work right now (library present, device reachable), without secrets.</summary>
    KeyProviderHealth CheckHealth();

    /// <summary>
    /// The secret enrolment needs from the operator (a new password, confirmed), or null when the provider
    /// makes its own (key file, recovery key) or needs none.
    /// </summary>
    SecretRequest? EnrolmentSecret(SlotBinding binding);

    /// <summary>
    /// Wraps the vault key for a new slot and returns the slot's parameters, plus any text to show the
    /// operator once (a recovery key). <paramref name="secret"/> is empty when <see cref="EnrolmentSecret"/> was null.
    /// </summary>
    SlotEnrolment Enrol(ReadOnlySpan<byte> vaultKey, SlotBinding binding, ReadOnlySpan<byte> secret);

    /// <summary>The secret unlocking this slot needs (password, PIN, key file), or null when it needs none.</summary>
    SecretRequest? UnlockSecret(JsonObject parameters, SlotBinding binding);

    /// <summary>
    /// Unwraps the vault key of one slot into a zeroing buffer. Throws <see cref="UnlockFailedException"/>
    /// when the secret does not open the slot, <see cref="KeyProviderUnavailableException"/> when the
    /// device or library is missing, and <see cref="InvalidInputException"/> for a malformed secret.
    /// </summary>
    SecureBuffer Unwrap(JsonObject parameters, SlotBinding binding, ReadOnlySpan<byte> secret);
}
