namespace HsmWallet.KeyProviders.Pkcs11;

/// <summary>
/// Why a PKCS#11 operation failed, in terms a caller acts on: lockout counts PinIncorrect, the operator
/// fixes configuration, a missing token is retried later. Every kind denies the operation.
/// </summary>
public enum Pkcs11Failure
{
    /// <summary>The PKCS#11 module file is missing or could not be loaded.</summary>
    ModuleNotFound,

    /// <summary>No token with the configured label or serial is present (unplugged, removed, not recognised).</summary>
    TokenNotPresent,

    /// <summary>The token holds no key with the configured label or id (or more than one).</summary>
    KeyNotFound,

    /// <summary>The token refused the PIN (CKR_PIN_INCORRECT): counts towards HsmWallet's lockout.</summary>
    PinIncorrect,

    /// <summary>The token's user PIN is locked (CKR_PIN_LOCKED): the security officer must reset it.</summary>
    PinLocked,

    /// <summary>The PIN has a length or characters the token never accepts (CKR_PIN_LEN_RANGE, CKR_PIN_INVALID), or is empty.</summary>
    PinFormatInvalid,

    /// <summary>The PIN has expired and must be changed with the vendor tool (CKR_PIN_EXPIRED).</summary>
    PinExpired,

    /// <summary>The wrapped key or its associated data was altered, or belongs to another key: the tag did not verify.</summary>
    IntegrityFailure,

    /// <summary>The token does not offer a mechanism the configured mode needs, or the key may not be used for it.</summary>
    MechanismUnsupported,

    /// <summary>Any other token or module error (device error, memory, a bug in the module).</summary>
    DeviceError,
}
