using HsmWallet.Core.Ledger;

namespace HsmWallet.McpServer.Composition;

/// <summary>
/// What the server was started with (INTERFACES.md: --home, --network, --rpc-url and the CLI's unlock
/// options); secrets are named by file, never passed, and read again for each operation that unlocks.
/// </summary>
public sealed record ServerOptions
{
    /// <summary>The resolved home folder.</summary>
    public required string HomePath { get; init; }

    /// <summary>The ledger network.</summary>
    public required LedgerNetwork Network { get; init; }

    /// <summary>--state: where signing state, counters and approvals live (null for the home's files); the command line owns and disposes it.</summary>
    public Core.State.IStateStore? StateStore { get; init; }

    /// <summary>--password-file.</summary>
    public string? PasswordFile { get; init; }

    /// <summary>--pin-file.</summary>
    public string? PinFile { get; init; }

    /// <summary>--key-file.</summary>
    public string? KeyFile { get; init; }

    /// <summary>--recovery-key-file.</summary>
    public string? RecoveryKeyFile { get; init; }

    /// <summary>--slot: the one slot to try.</summary>
    public int? Slot { get; init; }

    /// <summary>--max-message-bytes: the longest JSON-RPC message (one line) the transport reads; longer ones are dropped unread.</summary>
    public int MaxMessageBytes { get; init; } = Transport.BoundedLineStream.DefaultMaxMessageBytes;

    /// <summary>--rate-standard, --rate-strict, --rate-critical: the operator's per-tier rate limits (the spec's by default).</summary>
    public Pipeline.RateLimitSettings RateLimits { get; init; } = Pipeline.RateLimitSettings.Default;

    /// <summary>--approvals: the approval mode asked for (form, operator or passkey); the vault's own mode applies when stronger, and when this is null.</summary>
    public Core.Approvals.ApprovalMode? Approvals { get; init; }

    /// <summary>--metrics: where /metrics, /healthz and /readyz are served (null: not served).</summary>
    public System.Net.IPEndPoint? Metrics { get; init; }

    /// <summary>--http: serve Streamable HTTP with these settings instead of stdio (null: stdio).</summary>
    public Http.HttpSettings? Http { get; init; }

    /// <summary>How long a call waits for people on an approval page the client opened through URL-mode elicitation.</summary>
    public TimeSpan ApprovalWait { get; init; } = Hosting.Approvals.PasskeyApprover.DefaultWait;
}
