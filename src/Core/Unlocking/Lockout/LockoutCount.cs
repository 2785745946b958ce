namespace HsmWallet.Core.Unlocking.Lockout;

/// <summary>
/// Where the failure count stands after a failed unlock, so every `unlock_failed` can say how many tries remain
/// before password and PIN unlocking locks.
/// </summary>
/// <param name="TriesLeft">Wrong passwords or PINs still accepted before the lockout begins (0 once it has).</param>
/// <param name="LockedUntil">When the lockout this failure started (or that was running) ends; null when none runs.</param>
public sealed record LockoutCount(int TriesLeft, DateTimeOffset? LockedUntil);
