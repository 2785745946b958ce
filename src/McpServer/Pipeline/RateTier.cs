namespace HsmWallet.McpServer.Pipeline;

/// <summary>The spec's rate-limit tiers, so a flood of cheap reads cannot starve signing and vice versa.</summary>
public enum RateTier
{
    /// <summary>100 calls a minute with a burst of 10 (read-only tools).</summary>
    Standard,

    /// <summary>20 calls a minute with a burst of 2 (signing, submitting, creating).</summary>
    Strict,

    /// <summary>5 calls per 5 minutes (export and delete).</summary>
    Critical,
}
