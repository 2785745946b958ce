namespace HsmWallet.Core.Approvals;

/// <summary>
/// How strong a grant must be, weakest first, so a host can only ask for at least what the vault's operator set:
/// a form the MCP client renders (an auto-answering client can forge it), the operator's `hsmwallet approve`
/// (an agent with a shell can run it), or an enrolled approver's passkey over the exact binding (only a person can).
/// </summary>
public enum ApprovalMode
{
    /// <summary>An elicitation form the client shows, the operator's CLI, or a passkey.</summary>
    Form,

    /// <summary>The operator's `hsmwallet approve ID` or a typed yes at a terminal, or a passkey; never a client's form.</summary>
    Operator,

    /// <summary>Only an enrolled approver's passkey assertion over the approval binding.</summary>
    Passkey,
}

/// <summary>The spelling of <see cref="ApprovalMode"/> on command lines, in the vault and in server_status.</summary>
public static class ApprovalModes
{
    /// <summary>The lowercase name of <paramref name="mode"/>.</summary>
    public static string Name(ApprovalMode mode) => mode switch
    {
        ApprovalMode.Form => "form",
        ApprovalMode.Operator => "operator",
        _ => "passkey",
    };

    /// <summary>Reads form, operator or passkey; anything else throws naming <paramref name="field"/>.</summary>
    public static ApprovalMode Parse(string? text, string field) => text switch
    {
        "form" => ApprovalMode.Form,
        "operator" => ApprovalMode.Operator,
        "passkey" => ApprovalMode.Passkey,
        _ => throw new InvalidInputException(field, "must be form, operator or passkey"),
    };
}
