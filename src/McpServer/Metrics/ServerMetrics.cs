using System.Text.Json;
using Prometheus;

namespace HsmWallet.McpServer.Metrics;

/// <summary>
/// What hsmwallet-mcp --metrics exports in the Prometheus text format (prometheus-net, a registry of this server's
/// own, so nothing else in the process adds series): signatures permitted and refused by reason code, approvals asked,
/// given and declined, unlock latency per unlocker kind, lockouts and ledger errors. The pipeline counts each call's
/// outcome in one place (<see cref="ToolOutcome"/>) and the unlockers are timed by wrapping the registry; no tool counts
/// anything itself. Labels are codes and kinds from fixed sets, never a wallet name, address or agent input.
/// </summary>
public sealed class ServerMetrics
{
    private readonly Counter _signatures;
    private readonly Counter _approvals;
    private readonly Histogram _unlock;
    private readonly Counter _lockouts;
    private readonly Counter _ledgerErrors;
    private readonly Counter _calls;

    /// <summary>Creates the series in a registry of their own.</summary>
    public ServerMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _signatures = factory.CreateCounter("hsmwallet_signatures_total", "tx_sign calls: result permitted (signed) or refused, with the refusal's error code as reason.", "result", "reason");
        _approvals = factory.CreateCounter("hsmwallet_approvals_total", "Human approvals: asked (pending or delayed), given (a signature after approval) or declined.", "event");
        _unlock = factory.CreateHistogram("hsmwallet_unlock_seconds", "Time to unwrap the vault key, per unlocker kind (one unlock per operation).", new HistogramConfiguration
        {
            LabelNames = ["kind"],
            Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        });
        _lockouts = factory.CreateCounter("hsmwallet_lockouts_total", "Calls refused because the unlock lockout was in force (locked_out).");
        _ledgerErrors = factory.CreateCounter("hsmwallet_ledger_errors_total", "Calls that failed on the ledger's side (ledger_error).");
        _calls = factory.CreateCounter("hsmwallet_tool_calls_total", "Every tools/call by tool (declared tools only, else unknown) and outcome code (ok or the error code).", "tool", "code");
    }

    /// <summary>The registry the metrics endpoint exports.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>
    /// Counts one tools/call's outcome: <paramref name="code"/> is null on success, else the error body's code;
    /// <paramref name="result"/> is the successful result's structured content (for the policy decision).
    /// </summary>
    public void ToolOutcome(string tool, string? code, JsonElement? result = null)
    {
        var known = Pipeline.ToolDeclarations.ByName.ContainsKey(tool) ? tool : "unknown";
        _calls.WithLabels(known, code ?? "ok").Inc();
        switch (code)
        {
            case "approval_pending" or "approval_delayed":
                _approvals.WithLabels("asked").Inc();
                break;
            case "approval_declined":
                _approvals.WithLabels("declined").Inc();
                break;
            case "locked_out":
                _lockouts.Inc();
                break;
            case "ledger_error":
                _ledgerErrors.Inc();
                break;
            default:
                break;
        }

        if (known != "tx_sign")
        {
            return;
        }

        if (code is not null)
        {
            _signatures.WithLabels("refused", code).Inc();
            return;
        }

        _signatures.WithLabels("permitted", "").Inc();
        if (result is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("decision", out var decision) && decision.ValueKind == JsonValueKind.String && decision.GetString() == "approve")
        {
            _approvals.WithLabels("given").Inc();
        }
    }

    /// <summary>Records one unwrap of an unlocker of <paramref name="kind"/> that took <paramref name="elapsed"/> (the application layer times them).</summary>
    public void ObserveUnlock(string kind, TimeSpan elapsed) => _unlock.WithLabels(kind).Observe(elapsed.TotalSeconds);
}
