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

    /// <summary>Creates the error with the lockout's standing after it, which the message already states.</summary>
    public UnlockFailedException(UnlockFailureReason reason, string message, int? triesLeft, DateTimeOffset? lockedUntil, Exception? innerException)
        : base(message, innerException)
    {
        Reason = reason;
        TriesLeft = triesLeft;
        LockedUntil = lockedUntil;
    }

    /// <summary>Why the unlock failed.</summary>
    public UnlockFailureReason Reason { get; }

    /// <summary>Wrong passwords or PINs still accepted before the lockout begins (`tries_left`); null when unknown.</summary>
    public int? TriesLeft { get; }

    /// <summary>When password and PIN unlocking can be tried again, when this failure started a lockout or one runs.</summary>
    public DateTimeOffset? LockedUntil { get; }
}
