using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using static HsmWallet.McpServer.Pipeline.JsonSchemas;

namespace HsmWallet.McpServer.Pipeline;

/// <summary>
/// What each tool's successful result looks like (its MCP outputSchema), as <see cref="ToolDeclarations"/> declares it:
/// the pipeline copies every successful result's JSON text into structuredContent, and tools/list publishes these schemas.
/// The published schema also admits the error body, because validating clients check error results too.
/// </summary>
public static class ToolOutputSchemas
{
    /// <summary>The success shape of every tool, by name, from <see cref="ToolDeclarations"/>.</summary>
    public static FrozenDictionary<string, JsonObject> Results { get; } =
        ToolDeclarations.All.ToFrozenDictionary(declaration => declaration.Name, declaration => declaration.Output, StringComparer.Ordinal);

    /// <summary>The error body every refusal carries as structuredContent (INTERFACES.md).</summary>
    public static JsonObject ErrorBody { get; } = Shape(("error", Open(Shape(("code", Text), ("message", Text), ("correlation_id", Text)))));

    /// <summary>
    /// The outputSchema tools/list publishes for <paramref name="toolName"/>: the success shape or the error body;
    /// null for a tool without a declared shape.
    /// </summary>
    public static JsonElement? For(string toolName) =>
        Results.TryGetValue(toolName, out var success)
            ? JsonSerializer.SerializeToElement(new JsonObject
            {
                ["type"] = "object",
                ["anyOf"] = new JsonArray(success.DeepClone(), ErrorBody.DeepClone()),
            }, Output.ServerJsonContext.Default.JsonObject)
            : null;
}
