namespace HsmWallet.Core.Unlocking.Lockout;

/// <summary>
/// The numbers of the spec's "Authentication Lockout": 5 failures in 15 minutes lock unlocking for 30
/// minutes, doubling with each further lockout until a success resets it.
/// </summary>
public sealed record LockoutPolicy
{
    /// <summary>The spec's defaults.</summary>
    public static LockoutPolicy Default { get; } = new();

    /// <summary>Failures within <see cref="Window"/> that trigger a lockout.</summary>
    public int MaximumFailures { get; init; } = 5;

    /// <summary>How long a failure counts.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The first lockout's length.</summary>
    public TimeSpan BaseLockout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long a password or PIN may be under test before its attempt counts as a failure (a process that died mid-test,
    /// or a caller that never settled it): longer than any KDF or token login takes.
    /// </summary>
    public TimeSpan PendingLimit { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a new attempt waits while the limit's worth of attempts are already under test, before it is refused.</summary>
    public TimeSpan InFlightWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Caps the doubling (2^10 x 30 minutes is about 21 days) so the arithmetic never overflows.</summary>
    public int MaximumDoublings { get; init; } = 10;

    /// <summary>The length of the n-th consecutive lockout (1-based): base x 2^(n-1), capped.</summary>
    public TimeSpan LockoutLength(int lockoutNumber) =>
        BaseLockout * Math.Pow(2, Math.Clamp(lockoutNumber - 1, 0, MaximumDoublings));
}
