namespace HsmWallet.McpServer.Transport;

/// <summary>
/// A JSON-RPC message held back by <see cref="BoundedLineStream"/> because a key or string in it cannot be read as
/// text: its id (the JSON of a number or string, null when none), its method and tool name when readable, and the
/// path of the first such text ("params.arguments.wallet"; only plain keys are echoed), so the answer names the field.
/// </summary>
/// <param name="Id">The request's id as JSON; null for a notification or an id not readable.</param>
/// <param name="Method">The JSON-RPC method, when readable.</param>
/// <param name="ToolName">params.name (the tool of a tools/call), when readable.</param>
/// <param name="Path">Where the text is, from the message's root.</param>
public sealed record UndecodableLine(ReadOnlyMemory<byte>? Id, string? Method, string? ToolName, string Path);
