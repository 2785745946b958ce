namespace HsmWallet.McpServer.Pipeline;

/// <summary>The pipeline's resource limits (spec "Resource Limits"); tests shorten the timeout, nothing else should.</summary>
public sealed record ToolPipelineOptions
{
    /// <summary>The spec's request size limit: 1 MB.</summary>
    public const int DefaultMaxRequestBytes = 1024 * 1024;

    /// <summary>The spec's concurrent operation limit.</summary>
    public const int DefaultMaxConcurrentOperations = 10;

    /// <summary>The spec's execution timeout.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The largest tool call accepted, in bytes of its JSON arguments.</summary>
    public int MaxRequestBytes { get; init; } = DefaultMaxRequestBytes;

    /// <summary>How many tool calls may run at once.</summary>
    public int MaxConcurrentOperations { get; init; } = DefaultMaxConcurrentOperations;

    /// <summary>How long a call past the concurrency limit waits for a slot before it is refused.</summary>
    public TimeSpan ConcurrencyWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a tool may run before it is cancelled and answered with timeout.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>How long one refusal-audit window lasts: per refusal kind and tool, at most two audit entries per window.</summary>
    public TimeSpan RefusalAuditWindow { get; init; } = RefusalAudit.DefaultWindow;

    /// <summary>The per-tier rate limits (the operator's, from the command line; the spec's by default).</summary>
    public RateLimitSettings RateLimits { get; init; } = RateLimitSettings.Default;

    /// <summary>Whether rate limiters refill on their own (false in tests that step them by hand).</summary>
    public bool AutoReplenishRateLimits { get; init; } = true;
}
