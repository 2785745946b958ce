using System.Threading.RateLimiting;

namespace HsmWallet.McpServer.Pipeline;

/// <summary>
/// The per-tier limits as System.Threading.RateLimiting limiters: standard and strict are token buckets, critical a
/// sliding window; the operator sets them (<see cref="RateLimitSettings"/>), the spec's values by default (standard
/// 100 a minute with a burst of 10, strict 20 a minute with a burst of 2, critical 5 in any 5 minutes).
/// One process serves one client, so the limits are per server process.
/// </summary>
public sealed class RateLimits : IDisposable
{
    private readonly bool _autoReplenish;
    private readonly RateLimitSettings _settings;
    private Dictionary<RateTier, RateLimiter> _limiters;

    /// <summary>
    /// Builds the three limiters from <paramref name="settings"/> (the spec's values when null); with
    /// <paramref name="autoReplenish"/> false they refill only through <see cref="Replenish"/> (tests step time by hand).
    /// </summary>
    public RateLimits(bool autoReplenish = true, RateLimitSettings? settings = null)
    {
        _autoReplenish = autoReplenish;
        _settings = settings ?? RateLimitSettings.Default;
        _limiters = Create(_settings, autoReplenish);
    }

    private static Dictionary<RateTier, RateLimiter> Create(RateLimitSettings settings, bool autoReplenish) =>
        new()
        {
            [RateTier.Standard] = Bucket(settings.Standard, autoReplenish),
            [RateTier.Strict] = Bucket(settings.Strict, autoReplenish),
            [RateTier.Critical] = new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
            {
                PermitLimit = settings.Critical.Count,
                Window = settings.Critical.Period,
                SegmentsPerWindow = 5,
                QueueLimit = 0,
                AutoReplenishment = autoReplenish,
            }),
        };

    private static TokenBucketRateLimiter Bucket(TierLimit limit, bool autoReplenish) =>
        new(new TokenBucketRateLimiterOptions
        {
            TokenLimit = limit.Burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = limit.Refill,
            QueueLimit = 0,
            AutoReplenishment = autoReplenish,
        });

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

        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : DefaultRetryAfter(_settings, tier);
        throw new ToolRefusedException(
            "rate_limited",
            $"too many calls in the {tier.ToString().ToLowerInvariant()} tier; retry later",
            new() { ["retry_after_ms"] = (long)Math.Ceiling(Math.Max(retryAfter.TotalMilliseconds, 1)) });
    }

    /// <summary>Refills every limiter, as if their whole window had passed (tests step time this way instead of sleeping).</summary>
    public void Replenish()
    {
        var old = Interlocked.Exchange(ref _limiters, Create(_settings, _autoReplenish));
        foreach (var limiter in old.Values)
        {
            limiter.Dispose();
        }
    }

    /// <summary>The limits as server_status reports them: the operator's <paramref name="settings"/>, else the spec's.</summary>
    public static System.Text.Json.Nodes.JsonObject Describe(RateLimitSettings? settings = null) => new()
    {
        ["standard"] = (settings ?? RateLimitSettings.Default).Standard.Describe(window: false),
        ["strict"] = (settings ?? RateLimitSettings.Default).Strict.Describe(window: false),
        ["critical"] = (settings ?? RateLimitSettings.Default).Critical.Describe(window: true),
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

    private static TimeSpan DefaultRetryAfter(RateLimitSettings settings, RateTier tier) => tier switch
    {
        RateTier.Standard => settings.Standard.Refill,
        RateTier.Strict => settings.Strict.Refill,
        _ => settings.Critical.Period / 5,
    };
}
