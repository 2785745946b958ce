namespace HsmWallet.KeyProviders.Tpm;

/// <summary>
/// The one error the TPM engine raises: a kind to act on, the response code for support, and an
/// operator-facing message that never contains a PIN or a secret.
/// </summary>
public sealed class TpmUnlockException : Exception
{
    /// <summary>Creates the error with its kind, message and (when known) response code.</summary>
    public TpmUnlockException(TpmFailure failure, string message, uint? responseCode = null, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
        ResponseCode = responseCode;
        RetryAfter = retryAfter;
    }

    /// <summary>Creates the error with a default message (required by the exception pattern).</summary>
    public TpmUnlockException()
        : this(TpmFailure.Other, "TPM operation failed")
    {
    }

    /// <summary>Creates the error with a message only (required by the exception pattern).</summary>
    public TpmUnlockException(string message)
        : this(TpmFailure.Other, message)
    {
    }

    /// <summary>Creates the error with a message and a cause kept for diagnostics (required by the exception pattern).</summary>
    public TpmUnlockException(string message, Exception innerException)
        : base(message, innerException)
    {
        Failure = TpmFailure.Other;
    }

    /// <summary>What went wrong, so callers can count PIN failures or tell the operator to re-enrol.</summary>
    public TpmFailure Failure { get; }

    /// <summary>The TSS2_RC from tpm2-tss or the TPM, when the failure came from it.</summary>
    public uint? ResponseCode { get; }

    /// <summary>For a dictionary-attack lockout: when the TPM will accept one more try, if it could be read.</summary>
    public TimeSpan? RetryAfter { get; }
}
