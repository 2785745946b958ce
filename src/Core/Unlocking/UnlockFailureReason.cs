namespace HsmWallet.Core.Unlocking;

/// <summary>Why an unlock failed, so callers can word advice and lockout can count only wrong secrets.</summary>
public enum UnlockFailureReason
{
    /// <summary>The secret did not open the slot (counted by lockout).</summary>
    WrongSecret,

    /// <summary>No source supplied a secret for any slot.</summary>
    NoSecret,

    /// <summary>The unlocker's library or device was not usable.</summary>
    ProviderUnavailable,

    /// <summary>The requested slot does not exist or its kind has no provider here.</summary>
    NoSuchSlot,
}
