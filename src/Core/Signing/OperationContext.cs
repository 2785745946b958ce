using HsmWallet.Core.Audit;

namespace HsmWallet.Core.Signing;

/// <summary>Who asked for an operation and under which request, so its audit entry can be tied to the call that caused it.</summary>
/// <param name="CorrelationId">The id the caller's error bodies and logs carry for this request.</param>
/// <param name="Actor">Who asked (the agent through MCP, or the operator at the CLI).</param>
/// <param name="ToolName">The MCP tool or CLI verb, e.g. "tx_sign" or "tx sign".</param>
/// <param name="Deadline">When the caller stops waiting for the operation (null: no deadline).</param>
public sealed record OperationContext(string CorrelationId, AuditActor Actor, string ToolName, DateTimeOffset? Deadline = null)
{
    /// <summary>A context with a fresh correlation id, for callers that have none of their own.</summary>
    public static OperationContext New(AuditActor actor, string toolName) => new(Guid.NewGuid().ToString("N"), actor, toolName);
}
