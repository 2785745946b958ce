using HsmWallet.Core.Audit;
using HsmWallet.Core.Signing;

namespace HsmWallet.McpServer.Pipeline;

/// <summary>
/// The call the pipeline is running, built by the pipeline for each tools/call and handed to the tool method as a
/// parameter (the SDK binds it from the request's services, see <see cref="ToolCallServices"/>): its correlation id
/// (which links the audit entries and the error body), its name and class, its deadline and cancellation.
/// </summary>
/// <param name="CorrelationId">The id returned in error bodies and written in audit entries.</param>
/// <param name="ToolName">The tool's name.</param>
/// <param name="Class">The tool's class.</param>
/// <param name="Deadline">When the pipeline cancels this call; a tool that has already signed returns its result before then.</param>
/// <param name="Cancellation">Cancelled at the deadline or when the client cancels the request.</param>
public sealed record ToolCall(string CorrelationId, string ToolName, ToolClass Class, DateTimeOffset Deadline, CancellationToken Cancellation)
{
    /// <summary>The agent that asked over HTTP (its bearer token's name and wallets), or null over stdio (the one client the process serves).</summary>
    public Hosting.Agents.AgentRecord? Agent { get; init; }

    /// <summary>True when the caller may see and use the wallet named <paramref name="walletName"/> (always over stdio).</summary>
    public bool Sees(string walletName) => Agent?.Sees(walletName) ?? true;

    /// <summary>Who the audit log says asked: agent:NAME over HTTP, mcp-client over stdio.</summary>
    public AuditActor Actor => Agent is { } agent ? new AuditActor(AuditActorType.User, "agent:" + agent.Name) : new AuditActor(AuditActorType.User, Core.Approvals.ApprovalStore.DefaultAgent);

    /// <summary>The audit and signing context Core's use cases take for this call, asked by <paramref name="actor"/>.</summary>
    public OperationContext Operation(AuditActor actor) => new(CorrelationId, actor, ToolName, Deadline, Cancellation) { Agent = Agent?.Name };
}

/// <summary>
/// The request's services with the pipeline's <see cref="ToolCall"/> added: the pipeline puts it on the request it
/// passes on, and the SDK's parameter binding finds the call there. Nothing else is changed or stored.
/// </summary>
internal sealed class ToolCallServices(IServiceProvider? inner, ToolCall call) : IServiceProvider
{
    /// <inheritdoc />
    public object? GetService(Type serviceType) => serviceType == typeof(ToolCall) ? call : inner?.GetService(serviceType);
}
