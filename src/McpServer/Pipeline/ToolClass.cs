namespace HsmWallet.McpServer.Pipeline;

/// <summary>How much harm a tool can do, from the spec's tool authorization model; decides its rate tier and approvals.</summary>
public enum ToolClass
{
    /// <summary>Reads the vault's public list, the ledger or the audit log; changes nothing.</summary>
    ReadOnly,

    /// <summary>Signs, submits or creates: changes state, gated by policy and, when asked, a human.</summary>
    Sensitive,

    /// <summary>Exports or deletes a wallet: always needs a human's approval.</summary>
    Destructive,
}
