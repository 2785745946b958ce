using System.Text.Json.Nodes;

namespace HsmWallet.Core.Audit;

/// <summary>The operation part of an entry: what was asked, with sanitized parameters, and how it ended.</summary>
/// <param name="Name">The operation's name, e.g. "tx_sign".</param>
/// <param name="Parameters">The sanitized parameters; never a secret.</param>
/// <param name="Result">Success, failure or denial.</param>
/// <param name="ErrorCode">The stable error code on failure or denial, e.g. "policy_denied".</param>
public sealed record AuditOperation(string Name, JsonObject Parameters, AuditResult Result, string? ErrorCode = null);
