namespace HsmWallet.Core.Approvals;

/// <summary>
/// Proof that a human approved exactly one piece of signing data. Only server code creates it (from an
/// accepted elicitation, a redeemed approval id, a delay that ran out unvetoed, or verified passkey assertions), never
/// from a tool argument, so an agent cannot forge it; passkey approvals count only when Core verifies each assertion
/// (see <see cref="ApprovalRules"/>).
/// </summary>
/// <param name="Binding">The approval binding of the data the human saw (see <see cref="ApprovalBinding"/>).</param>
/// <param name="Via">How it was approved: <see cref="ViaElicitation"/>, <see cref="ViaOperator"/>, <see cref="ViaPasskey"/> or <see cref="ViaDelay"/>.</param>
public sealed record ApprovalGrant(string Binding, string Via)
{
    /// <summary>A form the MCP client showed and the person (or the client) accepted.</summary>
    public const string ViaElicitation = "elicitation";

    /// <summary>The operator's `hsmwallet approve ID` or a typed yes at a terminal.</summary>
    public const string ViaOperator = "operator";

    /// <summary>One or more enrolled approvers' passkeys over the approval page.</summary>
    public const string ViaPasskey = "passkey";

    /// <summary>A delay the policy set ran out and nobody vetoed it.</summary>
    public const string ViaDelay = "delay";

    /// <summary>For a passkey grant: each approver's assertion, in the order given (Core verifies every one, and counts distinct approvers).</summary>
    public IReadOnlyList<PasskeyApproval> Passkeys { get; init; } = [];

    /// <summary>The approvers' names, as Core verified them.</summary>
    public IReadOnlyList<string> Approvers => [.. Passkeys.Select(passkey => passkey.Approver)];
}
