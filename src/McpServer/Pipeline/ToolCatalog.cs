using System.Collections.Frozen;

namespace HsmWallet.McpServer.Pipeline;

/// <summary>
/// The one table of which tool is in which class and rate tier (INTERFACES.md, docs/mcp.md): a tool not
/// listed here is denied before anything else runs, so adding a method can never add an unguarded tool.
/// </summary>
public static class ToolCatalog
{
    /// <summary>Every tool the server offers, with its class and tier.</summary>
    public static FrozenDictionary<string, (ToolClass Class, RateTier Tier)> Tools { get; } = new Dictionary<string, (ToolClass, RateTier)>(StringComparer.Ordinal)
    {
        ["wallet_list"] = (ToolClass.ReadOnly, RateTier.Standard),
        ["wallet_balance"] = (ToolClass.ReadOnly, RateTier.Standard),
        ["wallet_history"] = (ToolClass.ReadOnly, RateTier.Standard),
        ["tx_decode"] = (ToolClass.ReadOnly, RateTier.Standard),
        ["policy_check"] = (ToolClass.ReadOnly, RateTier.Standard),
        ["tx_status"] = (ToolClass.ReadOnly, RateTier.Standard),
        ["audit_verify"] = (ToolClass.ReadOnly, RateTier.Standard),
        ["server_status"] = (ToolClass.ReadOnly, RateTier.Standard),
        ["wallet_lines"] = (ToolClass.ReadOnly, RateTier.Standard),
        ["wallet_objects"] = (ToolClass.ReadOnly, RateTier.Standard),
        ["ledger_status"] = (ToolClass.ReadOnly, RateTier.Standard),

        // It changes the ledger (test XRP arrives, the account may be created) through another party's service, so it is
        // not read-only; it signs nothing and moves nothing out of a wallet, and the faucet bounds itself: standard tier.
        ["wallet_fund"] = (ToolClass.Sensitive, RateTier.Standard),
        ["wallet_create"] = (ToolClass.Sensitive, RateTier.Strict),
        ["tx_sign"] = (ToolClass.Sensitive, RateTier.Strict),
        ["tx_submit"] = (ToolClass.Sensitive, RateTier.Strict),
        ["wallet_export"] = (ToolClass.Destructive, RateTier.Critical),
        ["wallet_delete"] = (ToolClass.Destructive, RateTier.Critical),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The class and tier of <paramref name="toolName"/>, or false for a tool the server does not offer.</summary>
    public static bool TryClassify(string? toolName, out ToolClass toolClass, out RateTier tier)
    {
        if (toolName is not null && Tools.TryGetValue(toolName, out var entry))
        {
            (toolClass, tier) = entry;
            return true;
        }

        (toolClass, tier) = (ToolClass.Destructive, RateTier.Critical);
        return false;
    }
}
