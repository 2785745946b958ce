using System.Threading.RateLimiting;

namespace HsmWallet.McpServer.Pipeline;

/// <summary>
/// The spec's per-tier limits as System.Threading.RateLimiting limiters: standard 100 a minute with a burst of
/// 10, strict 20 a minute with a burst of 2 (token buckets), critical 5 in any 5 minutes (a sliding window).
/// One process serves one client, so the limits are per server process.
/// </summary>
public sealed class RateLimits : IDisposable
{
    private readonly bool _autoReplenish;
    private Dictionary<RateTier, RateLimiter> _limiters;

    /// <summary>
    /// Builds the three limiters; with <paramref name="autoReplenish"/> false they refill only through
    /// <see cref="Replenish"/> (tests step time by hand instead of sleeping).
    /// </summary>
    public RateLimits(bool autoReplenish = true)
    {
        _autoReplenish = autoReplenish;
        _limiters = Create(autoReplenish);
    }

    private static Dictionary<RateTier, RateLimiter> Create(bool autoReplenish) =>
        new()
        {
            [RateTier.Standard] = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = 10,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromMilliseconds(600),
                QueueLimit = 0,
                AutoReplenishment = autoReplenish,
            }),
            [RateTier.Strict] = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = 2,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromSeconds(3),
                QueueLimit = 0,
                AutoReplenishment = autoReplenish,
            }),
            [RateTier.Critical] = new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
            {
                PermitLimit = 5,
                Window = TimeSpan.FromMinutes(5),
                SegmentsPerWindow = 5,
                QueueLimit = 0,
                AutoReplenishment = autoReplenish,
            }),
        };

    /// <summary>
    /// Takes one permit of <paramref name="tier"/> or throws a rate_limited <see cref="ToolRefusedException"/> with
    /// retry_after_ms; never waits.
    /// </summary>
    public void Take(RateTier tier)
    {
        using var lease = Volatile.Read(ref _limiters)[tier].AttemptAcquire(1);
        if (lease.IsAcquired)
        {
            return;
        }

        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : DefaultRetryAfter(tier);
        throw new ToolRefusedException(
            "rate_limited",
            $"too many calls in the {tier.ToString().ToLowerInvariant()} tier; retry later",
            new() { ["retry_after_ms"] = (long)Math.Ceiling(Math.Max(retryAfter.TotalMilliseconds, 1)) });
    }

    /// <summary>Refills every limiter, as if their whole window had passed (tests step time this way instead of sleeping).</summary>
    public void Replenish()
    {
        var old = Interlocked.Exchange(ref _limiters, Create(_autoReplenish));
        foreach (var limiter in old.Values)
        {
            limiter.Dispose();
        }
    }

    /// <summary>The limits as server_status reports them.</summary>
    public static System.Text.Json.Nodes.JsonObject Describe() => new()
    {
        ["standard"] = "100 per minute, burst 10",
        ["strict"] = "20 per minute, burst 2",
        ["critical"] = "5 per 5 minutes",
        ["concurrent_operations"] = ToolPipelineOptions.DefaultMaxConcurrentOperations,
        ["timeout_seconds"] = (int)ToolPipelineOptions.DefaultTimeout.TotalSeconds,
        ["max_request_bytes"] = ToolPipelineOptions.DefaultMaxRequestBytes,
    };

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }
    }

    private static TimeSpan DefaultRetryAfter(RateTier tier) => tier switch
    {
        RateTier.Standard => TimeSpan.FromMilliseconds(600),
        RateTier.Strict => TimeSpan.FromSeconds(3),
        _ => TimeSpan.FromMinutes(1),
    };
}
