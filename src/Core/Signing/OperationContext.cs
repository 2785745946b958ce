using HsmWallet.Core.Audit;

namespace HsmWallet.Core.Signing;

/// <summary>
/// Who asked for an operation, under which request and until when: passed to every use case as a parameter
/// (never ambient state), so its audit entry is tied to the call that caused it and nothing is signed after the
/// caller stopped waiting.
/// </summary>
/// <param name="CorrelationId">The id the caller's error bodies and logs carry for this request.</param>
/// <param name="Actor">Who asked (the agent through MCP, or the operator at the CLI).</param>
/// <param name="ToolName">The MCP tool or CLI verb, e.g. "tx_sign" or "tx sign".</param>
/// <param name="Deadline">When the caller stops waiting (a submission stops in time for the signed result to get out), or null.</param>
/// <param name="Cancellation">Cancelled when the caller gives up; checked before anything is signed or changed.</param>
public sealed record OperationContext(
    string CorrelationId,
    AuditActor Actor,
    string ToolName,
    DateTimeOffset? Deadline = null,
    CancellationToken Cancellation = default)
{
    /// <summary>
    /// The agent the host authenticated for this call (its bearer token over HTTP), or null (the CLI, stdio): picks the
    /// agent's own policy section and counters. Only a host sets it, from the caller's identity, never from arguments.
    /// </summary>
    public string? Agent { get; init; }

    /// <summary>A context with a fresh correlation id, for callers that have none of their own.</summary>
    public static OperationContext New(AuditActor actor, string toolName) => new(Guid.NewGuid().ToString("N"), actor, toolName);
}
