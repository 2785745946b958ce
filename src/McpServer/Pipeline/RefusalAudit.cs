using System.Globalization;
using System.Text.Json.Nodes;
using HsmWallet.Core.Audit;

namespace HsmWallet.McpServer.Pipeline;

/// <summary>
/// Audits the refusals an agent can repeat at will (invalid input, rate limits) with a bounded volume: per
/// refusal kind and tool, the first refusal of each window is written at once, and the others of that window
/// are counted and written as one entry with their count when the window ends (at the next refusal of that
/// kind after it, at the periodic flush, or when the server stops). Every entry carries `count`, so the counts
/// of all entries add up to the refusals made. When an append fails, the count is kept for the next attempt.
/// </summary>
public sealed class RefusalAudit : IDisposable
{
    /// <summary>How long one window lasts: at most two entries per refusal kind and tool in any such period.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(1);

    private readonly Func<IAuditLog?> _audit;
    private readonly TimeProvider _time;
    private readonly TimeSpan _window;
    private readonly Lock _gate = new();
    private readonly Dictionary<(AuditEventType EventType, string Tool, string Code, string Actor), Window> _windows = [];
    private readonly ITimer _timer;

    /// <summary>Writes through <paramref name="audit"/> (null while it is not keyed yet), flushing ended windows every <paramref name="window"/>.</summary>
    public RefusalAudit(Func<IAuditLog?> audit, TimeProvider? time = null, TimeSpan? window = null)
    {
        ArgumentNullException.ThrowIfNull(audit);
        _audit = audit;
        _time = time ?? TimeProvider.System;
        _window = window ?? DefaultWindow;
        _timer = _time.CreateTimer(_ => FlushEnded(), null, _window, _window);
    }

    /// <summary>
    /// Records one refusal of <paramref name="code"/> by <paramref name="tool"/> (a catalog name or "unknown").
    /// Throws when the entry that must be written now cannot be; the refusal itself stands either way.
    /// </summary>
    /// <param name="eventType">The refusal's audit event.</param>
    /// <param name="tool">The tool's catalog name, or "unknown".</param>
    /// <param name="code">The error code.</param>
    /// <param name="correlationId">The refused call's correlation id.</param>
    /// <param name="actor">Who was refused: agent:NAME over HTTP (each agent has its own windows), mcp-client over stdio.</param>
    public void Record(AuditEventType eventType, string tool, string code, string correlationId, string actor = Core.Approvals.ApprovalStore.DefaultAgent)
    {
        var key = (eventType, tool, code, actor);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_windows.TryGetValue(key, out var open))
            {
                if (now < open.Start + _window)
                {
                    open.Suppressed++;
                    return;
                }

                // The window ended: its count goes first (kept, with this refusal, when that write fails).
                if (open.Suppressed > 0)
                {
                    try
                    {
                        Write(key, open.Suppressed, Guid.NewGuid().ToString("N"), open.Start, now);
                    }
                    catch
                    {
                        open.Suppressed++;
                        throw;
                    }
                }

                _windows.Remove(key);
            }

            if (Write(key, 1, correlationId, null, null))
            {
                _windows[key] = new Window(now);
            }
        }
    }

    /// <summary>Writes the counts of the windows that have ended (the periodic flush).</summary>
    public void FlushEnded() => Flush(all: false);

    /// <summary>Writes every count not yet written, ended or not (at shutdown).</summary>
    public void FlushAll() => Flush(all: true);

    /// <summary>Stops the periodic flush (call <see cref="FlushAll"/> first to keep the last counts).</summary>
    public void Dispose() => _timer.Dispose();

    private void Flush(bool all)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            foreach (var (key, window) in _windows.ToList())
            {
                if (!all && now < window.Start + _window)
                {
                    continue;
                }

                if (window.Suppressed > 0)
                {
                    try
                    {
                        Write(key, window.Suppressed, Guid.NewGuid().ToString("N"), window.Start, now);
                    }
#pragma warning disable CA1031 // A flush that cannot write keeps the count for the next one; the calls were refused already.
                    catch (Exception)
#pragma warning restore CA1031
                    {
                        continue;
                    }
                }

                _windows.Remove(key);
            }
        }
    }

    private bool Write((AuditEventType EventType, string Tool, string Code, string Actor) key, long count, string correlationId, DateTimeOffset? windowStart, DateTimeOffset? windowEnd)
    {
        var log = _audit();
        if (log is null)
        {
            // Before the first unlock nothing can be recorded authenticated (as for every other entry).
            return false;
        }

        var parameters = new JsonObject { ["count"] = count };
        if (windowStart is { } start && windowEnd is { } end)
        {
            parameters["window_start"] = start.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
            parameters["window_end"] = end.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        }

        log.Append(new AuditEvent(
            key.EventType,
            key.Tool,
            correlationId,
            new AuditActor(AuditActorType.User, key.Actor),
            "tools/call",
            parameters,
            AuditResult.Denied,
            key.Code));
        return true;
    }

    private sealed class Window(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;

        public long Suppressed { get; set; }
    }
}
