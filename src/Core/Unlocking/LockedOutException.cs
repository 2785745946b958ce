using System.Globalization;

namespace HsmWallet.Core.Unlocking;

/// <summary>
/// Raised before any KDF runs while unlocking is locked out after repeated failures; says when it lifts
/// (`locked_out` with `locked_until` in the MCP server).
/// </summary>
public sealed class LockedOutException : Exception
{
    /// <summary>Creates the error for a lockout that lifts at a known time, or never on its own (null).</summary>
    public LockedOutException(DateTimeOffset? lockedUntil, string reason)
        : base(lockedUntil is { } until
            ? string.Create(CultureInfo.InvariantCulture, $"unlocking is locked out until {until.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}: {reason}")
            : $"unlocking is locked out: {reason}")
    {
        LockedUntil = lockedUntil;
        Reason = reason;
    }

    /// <summary>Why unlocking is locked out, without the time (so a caller can add the way out).</summary>
    public string Reason { get; } = string.Empty;

    /// <summary>When unlocking is possible again; null when an operator must repair the lockout record first.</summary>
    public DateTimeOffset? LockedUntil { get; }
}
