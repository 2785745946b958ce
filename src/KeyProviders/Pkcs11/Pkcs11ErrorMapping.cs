using Net.Pkcs11Interop.Common;

namespace HsmWallet.KeyProviders.Pkcs11;

/// <summary>
/// Turns a module's return value into the engine's failure kinds and safe messages, and tells which return
/// values mean the session or the library must be rebuilt before a retry.
/// </summary>
internal static class Pkcs11ErrorMapping
{
    /// <summary>PKCS#11 3.0's CKR_AEAD_DECRYPT_FAILED, absent from Pkcs11Interop 5.3.0's enum.</summary>
    private const CKR AeadDecryptFailed = (CKR)0x35;

    /// <summary>The step in which an error happened: decrypt errors mean a bad tag, the same codes elsewhere do not.</summary>
    internal enum Step
    {
        /// <summary>Finding the token, opening a session, finding the key.</summary>
        Session,

        /// <summary>C_Login.</summary>
        Login,

        /// <summary>Decrypting or deriving with the key.</summary>
        Decrypt,

        /// <summary>Encrypting, generating or reading public values.</summary>
        Other,
    }

    /// <summary>True when the return value means sessions or the library are stale and one re-initialisation may cure it.</summary>
    internal static bool IsRecoverable(CKR returnValue) => returnValue is
        CKR.CKR_SESSION_HANDLE_INVALID or CKR.CKR_SESSION_CLOSED or CKR.CKR_DEVICE_REMOVED
        or CKR.CKR_TOKEN_NOT_PRESENT or CKR.CKR_OPERATION_ACTIVE or CKR.CKR_CRYPTOKI_NOT_INITIALIZED
        or CKR.CKR_SLOT_ID_INVALID or CKR.CKR_TOKEN_NOT_RECOGNIZED or CKR.CKR_OBJECT_HANDLE_INVALID
        or CKR.CKR_KEY_HANDLE_INVALID;

    /// <summary>
    /// True when a retry after re-initialisation is worth one attempt: stale-session codes anywhere, and general or
    /// device errors outside login and decryption (SoftHSM2 answers CKR_GENERAL_ERROR for a token whose files vanished).
    /// Login errors are never retried, so a PIN is presented to the token once per call.
    /// </summary>
    internal static bool IsRecoverable(CKR returnValue, Step step) =>
        IsRecoverable(returnValue)
        || (returnValue is CKR.CKR_GENERAL_ERROR or CKR.CKR_DEVICE_ERROR && step is Step.Session or Step.Other);

    /// <summary>Builds the engine's exception for a module error in a step, with the PIN flags read afterwards.</summary>
    internal static Pkcs11UnlockException ToException(Pkcs11Exception exception, Step step, Pkcs11SlotConfiguration configuration, Pkcs11PinStatus pinStatus)
    {
        var returnValue = exception.RV;
        var name = returnValue.ToString();
        var failure = Classify(returnValue, step);
        var token = configuration.TokenDescription;
        var message = failure switch
        {
            Pkcs11Failure.PinIncorrect => $"PKCS#11 {token}: the PIN was refused",
            Pkcs11Failure.PinLocked => $"PKCS#11 {token}: the user PIN is locked; the security officer must reset it",
            Pkcs11Failure.PinFormatInvalid => $"PKCS#11 {token}: the PIN has a length or characters the token does not accept",
            Pkcs11Failure.PinExpired => $"PKCS#11 {token}: the PIN has expired; change it with the vendor tool",
            Pkcs11Failure.TokenNotPresent => $"PKCS#11 {token} is not present",
            Pkcs11Failure.IntegrityFailure => $"PKCS#11 {token}: the wrapped key does not verify (altered, other associated data, or another key)",
            Pkcs11Failure.MechanismUnsupported => $"PKCS#11 {token}: the token or the {configuration.KeyDescription} does not support the {configuration.Mode.ToName()} mechanism",
            Pkcs11Failure.KeyNotFound => $"PKCS#11 {token}: no usable {configuration.KeyDescription}",
            _ => $"PKCS#11 {token}: the module failed",
        };
        var flags = pinStatus.Describe();
        if (flags.Length > 0)
        {
            message += $" ({flags})";
        }

        return new Pkcs11UnlockException(failure, $"{message} [{name}]", pinStatus, name, exception);
    }

    /// <summary>Classifies a return value; public for the health check and tests.</summary>
    internal static Pkcs11Failure Classify(CKR returnValue, Step step) => returnValue switch
    {
        CKR.CKR_PIN_INCORRECT => Pkcs11Failure.PinIncorrect,
        CKR.CKR_PIN_LOCKED => Pkcs11Failure.PinLocked,
        CKR.CKR_PIN_LEN_RANGE or CKR.CKR_PIN_INVALID => Pkcs11Failure.PinFormatInvalid,
        CKR.CKR_PIN_EXPIRED => Pkcs11Failure.PinExpired,
        CKR.CKR_TOKEN_NOT_PRESENT or CKR.CKR_DEVICE_REMOVED or CKR.CKR_TOKEN_NOT_RECOGNIZED
            or CKR.CKR_SLOT_ID_INVALID => Pkcs11Failure.TokenNotPresent,
        CKR.CKR_KEY_HANDLE_INVALID or CKR.CKR_OBJECT_HANDLE_INVALID => Pkcs11Failure.KeyNotFound,
        CKR.CKR_MECHANISM_INVALID or CKR.CKR_MECHANISM_PARAM_INVALID or CKR.CKR_KEY_TYPE_INCONSISTENT
            or CKR.CKR_KEY_FUNCTION_NOT_PERMITTED or CKR.CKR_FUNCTION_NOT_SUPPORTED
            or CKR.CKR_KEY_SIZE_RANGE => Pkcs11Failure.MechanismUnsupported,
        CKR.CKR_ENCRYPTED_DATA_INVALID or CKR.CKR_ENCRYPTED_DATA_LEN_RANGE or AeadDecryptFailed
            when step == Step.Decrypt => Pkcs11Failure.IntegrityFailure,
        // SoftHSM2 reports a GCM tag mismatch as CKR_GENERAL_ERROR (the session stays usable).
        CKR.CKR_GENERAL_ERROR or CKR.CKR_DATA_INVALID or CKR.CKR_DATA_LEN_RANGE
            when step == Step.Decrypt => Pkcs11Failure.IntegrityFailure,
        _ => Pkcs11Failure.DeviceError,
    };
}
