namespace HsmWallet.McpServer.Pipeline;

/// <summary>The spec's rate-limit tiers, so a flood of cheap reads cannot starve signing and vice versa.</summary>
public enum RateTier
{
    /// <summary>Read-only tools: 100 calls a minute with a burst of 10 unless the operator sets --rate-standard.</summary>
    Standard,

    /// <summary>Signing, submitting, creating: 20 calls a minute with a burst of 2 unless the operator sets --rate-strict.</summary>
    Strict,

    /// <summary>Export and delete: 5 calls in any 5 minutes unless the operator sets --rate-critical.</summary>
    Critical,
}
