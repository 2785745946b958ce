using System.Text.Json.Nodes;

namespace HsmWallet.Core.Audit;

/// <summary>
/// What a caller asks the audit log to record; the writer adds id, sequence, time and the chain
/// fields, and sanitizes the parameters again so a careless caller cannot log a secret.
/// </summary>
/// <param name="EventType">The kind of event.</param>
/// <param name="ToolName">The MCP tool or CLI verb that caused it, e.g. "tx_sign".</param>
/// <param name="CorrelationId">Links the entries of one request.</param>
/// <param name="Actor">Who asked.</param>
/// <param name="OperationName">The operation's name.</param>
/// <param name="Parameters">The operation's parameters; sanitized on append.</param>
/// <param name="Result">How it ended.</param>
/// <param name="ErrorCode">The stable error code when it did not succeed.</param>
public sealed record AuditEvent(
    AuditEventType EventType,
    string ToolName,
    string CorrelationId,
    AuditActor Actor,
    string OperationName,
    JsonObject? Parameters,
    AuditResult Result,
    string? ErrorCode = null);
