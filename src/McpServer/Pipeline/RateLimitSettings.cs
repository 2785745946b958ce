using System.Globalization;
using System.Text.RegularExpressions;
using HsmWallet.Core;

namespace HsmWallet.McpServer.Pipeline;

/// <summary>
/// One tier's limit: <see cref="Count"/> calls per <see cref="Period"/>, at most <see cref="Burst"/> at once
/// (the critical tier's window allows its whole count at once, so its burst is its count).
/// </summary>
/// <param name="Count">Calls allowed per period.</param>
/// <param name="Period">The period the count is measured over.</param>
/// <param name="Burst">Calls allowed back to back before the rate applies.</param>
public sealed record TierLimit(int Count, TimeSpan Period, int Burst)
{
    /// <summary>How often one call's budget comes back.</summary>
    public TimeSpan Refill => Period / Count;

    /// <summary>The limit in words, as server_status reports it ("100 per minute, burst 10").</summary>
    public string Describe(bool window) => window
        ? $"{Count} per {Words(Period)}"
        : $"{Count} per {Words(Period)}, burst {Burst}";

    private static string Words(TimeSpan period) =>
        period.TotalHours >= 1 && period.TotalHours % 1 == 0 ? Plural((int)period.TotalHours, "hour")
        : period.TotalMinutes >= 1 && period.TotalMinutes % 1 == 0 ? Plural((int)period.TotalMinutes, "minute")
        : Plural((int)period.TotalSeconds, "second");

    private static string Plural(int count, string unit) =>
        count == 1 ? unit : string.Create(CultureInfo.InvariantCulture, $"{count} {unit}s");
}

/// <summary>
/// The operator's rate limits per tier (hsmwallet-mcp --rate-standard, --rate-strict, --rate-critical), today's
/// spec values by default. Bounded both ways so a typo cannot switch the limit off or lock every tool out:
/// at least 1 call per period, at most 10 calls a second, a period of 1 second to 24 hours, a burst of 1 to 100
/// and never more than the count.
/// </summary>
public sealed partial record RateLimitSettings(TierLimit Standard, TierLimit Strict, TierLimit Critical)
{
    /// <summary>The most calls a second any tier may allow.</summary>
    public const int MaxPerSecond = 10;

    /// <summary>The largest burst any tier may allow.</summary>
    public const int MaxBurst = 100;

    /// <summary>The longest period.</summary>
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromHours(24);

    /// <summary>The spec's limits: standard 100 a minute (burst 10), strict 20 a minute (burst 2), critical 5 in any 5 minutes.</summary>
    public static RateLimitSettings Default { get; } = new(
        new TierLimit(100, TimeSpan.FromMinutes(1), 10),
        new TierLimit(20, TimeSpan.FromMinutes(1), 2),
        new TierLimit(5, TimeSpan.FromMinutes(5), 5));

    /// <summary>
    /// Parses one tier's option value, COUNT/PERIOD with an optional ",burst=N" (PERIOD: s, min or h, with an
    /// optional number before it: "100/min,burst=10", "5/5min", "30/30s"); throws naming <paramref name="option"/>.
    /// </summary>
    public static TierLimit Parse(string option, string text, TierLimit fallback, bool window)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        var rule = window
            ? "must be COUNT/PERIOD, e.g. 5/5min (PERIOD: s, min or h with an optional number before it)"
            : "must be COUNT/PERIOD with an optional ,burst=N, e.g. 100/min,burst=10 (PERIOD: s, min or h with an optional number before it)";
        var match = Shape().Match(text ?? string.Empty);
        if (!match.Success || (window && match.Groups["burst"].Success))
        {
            throw new InvalidInputException(option, window && match.Success ? "takes no burst: the critical tier's window allows its whole count at once; " + rule : rule);
        }

        if (!int.TryParse(match.Groups["count"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || !int.TryParse(match.Groups["length"].Success ? match.Groups["length"].Value : "1", NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            || count < 1 || length < 1 || length > 86_400)
        {
            throw new InvalidInputException(option, "the count and the period must be whole numbers of at least 1");
        }

        var period = match.Groups["unit"].Value switch
        {
            "s" => TimeSpan.FromSeconds(length),
            "min" => TimeSpan.FromMinutes(length),
            _ => TimeSpan.FromHours(length),
        };
        if (period < TimeSpan.FromSeconds(1) || period > MaxPeriod)
        {
            throw new InvalidInputException(option, "the period must be 1 second to 24 hours");
        }

        if (count > period.TotalSeconds * MaxPerSecond)
        {
            throw new InvalidInputException(option, $"allows more than {MaxPerSecond} calls a second; a limit that high is no limit");
        }

        var burst = window ? count : Math.Min(fallback.Burst, count);
        if (match.Groups["burst"].Success
            && (!int.TryParse(match.Groups["burst"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out burst) || burst < 1 || burst > MaxBurst))
        {
            throw new InvalidInputException(option, $"burst must be 1 to {MaxBurst}");
        }

        if (window && count > MaxBurst)
        {
            throw new InvalidInputException(option, $"the critical tier allows at most {MaxBurst} calls per window");
        }

        if (burst > count)
        {
            throw new InvalidInputException(option, $"burst {burst} is larger than the count {count}; set ,burst=N to at most the count");
        }

        return new TierLimit(count, period, burst);
    }

    [GeneratedRegex(@"^(?<count>[0-9]{1,9})/(?<length>[0-9]{1,6})?(?<unit>s|min|h)(,burst=(?<burst>[0-9]{1,9}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
