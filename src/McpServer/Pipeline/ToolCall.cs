namespace HsmWallet.McpServer.Pipeline;

/// <summary>
/// The call the pipeline is running, visible to the tool it calls: its correlation id (which links the
/// audit entries and the error body) and its class, without threading them through every tool signature.
/// </summary>
/// <param name="CorrelationId">The id returned in error bodies and written in audit entries.</param>
/// <param name="ToolName">The tool's name.</param>
/// <param name="Class">The tool's class.</param>
public sealed record ToolCall(string CorrelationId, string ToolName, ToolClass Class)
{
    private static readonly AsyncLocal<ToolCall?> Ambient = new();

    /// <summary>When the pipeline cancels this call; a tool that has already signed returns its result before then.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>The call in progress on this flow; only the pipeline sets it.</summary>
    public static ToolCall Current => Ambient.Value ?? throw new InvalidOperationException("a tool ran outside the pipeline");

    /// <summary>Makes <paramref name="call"/> current for the rest of this asynchronous flow.</summary>
    internal static void Enter(ToolCall call) => Ambient.Value = call;
}
