namespace HsmWallet.Core.Ledger;

/// <summary>How patient the client is: per-request timeout, retries with backoff, and how far ahead LastLedgerSequence is set.</summary>
public sealed record LedgerClientOptions
{
    /// <summary>The longest one attempt at one endpoint may take.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after the first attempt, each at the next endpoint; transport errors and timeouts only.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>The first backoff delay; it doubles with each retry (with jitter).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Ledgers between the current one and LastLedgerSequence (about a minute on mainnet).</summary>
    public uint LastLedgerOffset { get; init; } = 20;

    /// <summary>How often the HTTP fallback polls `tx` when no WebSocket is available.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the ledger stream may stay silent before the wait falls back to polling (ledgers close every 3-5 s).</summary>
    public TimeSpan StreamStallTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The longest submit-and-wait may take, whatever LastLedgerSequence says.</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>The largest JSON response accepted from a server.</summary>
    public int MaxResponseBytes { get; init; } = 8 * 1024 * 1024;
}
