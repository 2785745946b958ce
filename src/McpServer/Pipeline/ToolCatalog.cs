using System.Collections.Frozen;

namespace HsmWallet.McpServer.Pipeline;

/// <summary>
/// Which tool is in which class and rate tier (INTERFACES.md, docs/mcp.md), as <see cref="ToolDeclarations"/> declares
/// it: a tool not listed is denied before anything else runs, so adding a method can never add an unguarded tool.
/// </summary>
public static class ToolCatalog
{
    /// <summary>Every tool the server offers, with its class and tier.</summary>
    public static FrozenDictionary<string, (ToolClass Class, RateTier Tier)> Tools { get; } =
        ToolDeclarations.All.ToFrozenDictionary(declaration => declaration.Name, declaration => (declaration.Class, declaration.Tier), StringComparer.Ordinal);

    /// <summary>The class and tier of <paramref name="toolName"/>, or false for a tool the server does not offer.</summary>
    public static bool TryClassify(string? toolName, out ToolClass toolClass, out RateTier tier)
    {
        if (ToolDeclarations.TryGet(toolName, out var declaration))
        {
            (toolClass, tier) = (declaration.Class, declaration.Tier);
            return true;
        }

        (toolClass, tier) = (ToolClass.Destructive, RateTier.Critical);
        return false;
    }
}
