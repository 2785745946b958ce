namespace HsmWallet.KeyProviders.Pkcs11;

/// <summary>
/// The one error of the PKCS#11 engine: a failure kind to act on, the token's PIN flags and the module's
/// return value name. Messages never contain a PIN, key material or wrapped bytes.
/// </summary>
public sealed class Pkcs11UnlockException : Exception
{
    /// <summary>Creates the error for a failure kind with a message safe to show.</summary>
    public Pkcs11UnlockException(Pkcs11Failure failure, string message)
        : this(failure, message, default, null, null)
    {
    }

    /// <summary>Creates the error with the token's PIN flags, the PKCS#11 return value name and the cause.</summary>
    public Pkcs11UnlockException(Pkcs11Failure failure, string message, Pkcs11PinStatus pinStatus, string? returnValue, Exception? innerException)
        : base(message, innerException)
    {
        Failure = failure;
        PinStatus = pinStatus;
        ReturnValue = returnValue;
    }

    /// <summary>Tells the caller what went wrong; the lockout counts PinIncorrect.</summary>
    public Pkcs11Failure Failure { get; }

    /// <summary>The token's user-PIN flags read after the failure (all false when unknown).</summary>
    public Pkcs11PinStatus PinStatus { get; }

    /// <summary>The PKCS#11 return value name (e.g. CKR_PIN_INCORRECT) for diagnostics, when a module returned one.</summary>
    public string? ReturnValue { get; }
}
