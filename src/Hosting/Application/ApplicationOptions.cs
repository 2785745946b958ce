using HsmWallet.Core.Audit;
using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Unlocking;

namespace HsmWallet.Hosting.Application;

/// <summary>
/// What a front end chooses when it opens a home: where (settings), how secrets are read, who it acts for, and
/// whether its unlocks may lift a lockout. Everything else is composed the same way for both front ends.
/// </summary>
public sealed record ApplicationOptions
{
    /// <summary>The home and the network (resolved once by <see cref="HostSettings.Resolve"/>).</summary>
    public required HostSettings Settings { get; init; }

    /// <summary>Where this front end's secrets come from (files, key file, credentials, environment, a terminal prompt).</summary>
    public required SecretOptions Secrets { get; init; }

    /// <summary>Who the audit log says asked through this front end.</summary>
    public required AuditActor Actor { get; init; }

    /// <summary>The slot to unlock with, or null to try each in turn.</summary>
    public int? Slot { get; init; }

    /// <summary>
    /// True for a person's one command (the CLI): a secret typed once is kept for that command's unlocks and zeroed
    /// when the application is disposed. False for a long-running server: secrets are read afresh for each unlock.
    /// </summary>
    public bool RemembersSecrets { get; init; }

    /// <summary>
    /// Whether a successful unlock resets the failure count and lifts a lockout: true for the operator, false for the
    /// server, where an agent can make it unlock at will and must never buy anyone more guesses (false unless a host says so).
    /// </summary>
    public bool UnlockResetsLockout { get; init; }

    /// <summary>The unlockers the vault's slots open with (the standard ones when null).</summary>
    public KeyProviderRegistry? Providers { get; init; }

    /// <summary>The clock (a fake one in tests of expiry).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How the ledger is reached (a test's loopback handler), or null for the network's own.</summary>
    public HttpMessageHandler? LedgerHandler { get; init; }

    /// <summary>The approval mode the host asks for (the stronger of it and the vault's applies); null follows the vault.</summary>
    public Core.Approvals.ApprovalMode? ApprovalMode { get; init; }

    /// <summary>
    /// Where the signing state, policy counters, approvals and lockout live: null for the home's files, or a shared
    /// store (PostgreSQL, <c>--state postgres://...</c>) so several server instances keep one set of limits.
    /// </summary>
    public Core.State.IStateStore? StateStore { get; init; }

    /// <summary>When set, every unwrap of an unlocker is reported with its kind and duration (a host's unlock-latency metric).</summary>
    public Action<string, TimeSpan>? UnlockTimed { get; init; }
}
