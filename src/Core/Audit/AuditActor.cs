namespace HsmWallet.Core.Audit;

/// <summary>Who started an audited operation: the kind of actor and, when known, a non-secret identifier.</summary>
/// <param name="Type">The kind of actor.</param>
/// <param name="Id">An optional identifier such as an MCP client name; never a credential.</param>
public sealed record AuditActor(AuditActorType Type, string? Id = null);
