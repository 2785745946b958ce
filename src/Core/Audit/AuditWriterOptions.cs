namespace HsmWallet.Core.Audit;

/// <summary>Settings of an audit writer that tests and operators may change; the defaults suit production.</summary>
public sealed class AuditWriterOptions
{
    /// <summary>A log file is closed and the next one started before it would grow past this size (default 16 MiB).</summary>
    public long MaxFileBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>The clock for entry timestamps; injectable so tests can cross a date.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The external monotonic counter; null when none is available.</summary>
    public IAuditAnchor? Anchor { get; init; }

    /// <summary>The chain's head in a shared state store (several instances on one database); null keeps it in the home only.</summary>
    public SharedAuditHead? SharedHead { get; init; }

    /// <summary>How long to wait for another process's append before failing (default 10 s).</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest accepted line; a bigger entry is refused rather than logged (default 64 KiB).</summary>
    public int MaxLineBytes { get; init; } = 64 * 1024;
}
