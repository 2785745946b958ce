namespace HsmWallet.Core.Unlocking;

/// <summary>
/// Raised when the vault could not be unlocked (wrong secret, no secret, missing device); the message
/// names the slot and the reason, never the secret.
/// </summary>
public sealed class UnlockFailedException : Exception
{
    /// <summary>Creates the error with its reason.</summary>
    public UnlockFailedException(UnlockFailureReason reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>Creates the error with its reason and an inner cause for diagnostics.</summary>
    public UnlockFailedException(UnlockFailureReason reason, string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>Why the unlock failed.</summary>
    public UnlockFailureReason Reason { get; }
}
