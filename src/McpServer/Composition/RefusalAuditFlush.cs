using HsmWallet.McpServer.Pipeline;
using Microsoft.Extensions.Hosting;

namespace HsmWallet.McpServer.Composition;

/// <summary>
/// Writes the pipeline's refusal counts that are still in memory when the server stops (the client closed
/// stdin, or a signal), so the audit log's counts add up to every refusal made, then stops its timer.
/// </summary>
internal sealed class RefusalAuditFlush(ToolPipeline pipeline) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        pipeline.FlushRefusalAudit();
        return Task.CompletedTask;
    }
}
