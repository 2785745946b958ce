using HsmWallet.Core.Secrets;

namespace HsmWallet.Core.Vault;

/// <summary>
/// How one operation unlocks: where secrets come from and, optionally, which slot to use (`--slot ID`);
/// without a slot, the first slot whose secret is available without a prompt, then prompts in slot order.
/// </summary>
/// <param name="Secrets">The secret sources (usually a <see cref="Secrets.Sources.SecretSourceChain"/>).</param>
/// <param name="SlotId">The one slot to try, or null for the default order.</param>
public sealed record UnlockOptions(ISecretSource Secrets, int? SlotId = null)
{
    /// <summary>
    /// Whether a success may reset the failure count or lift a lockout: true for the operator's commands; false in
    /// the MCP server, so no unlock an agent can trigger ever buys more password guesses.
    /// </summary>
    public bool ResetsLockout { get; init; } = true;
}
