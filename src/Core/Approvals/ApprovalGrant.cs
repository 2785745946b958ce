namespace HsmWallet.Core.Approvals;

/// <summary>
/// Proof that a human approved exactly one piece of signing data. Only server code creates it (from an
/// accepted elicitation, a redeemed approval id or a verified passkey assertion), never from a tool argument, so
/// an agent cannot forge it; a "passkey" grant counts only when Core verifies its assertion (see <see cref="ApprovalGate"/>).
/// </summary>
/// <param name="Binding">The approval binding of the data the human saw (see <see cref="ApprovalBinding"/>).</param>
/// <param name="Via">How the human approved: "elicitation", "operator" or "passkey".</param>
public sealed record ApprovalGrant(string Binding, string Via)
{
    /// <summary>The <see cref="Via"/> of a grant made by a person's passkey over the approval page.</summary>
    public const string ViaPasskey = "passkey";

    /// <summary>For a passkey grant: the enrolled approver's name, as the page verified it (Core checks it again).</summary>
    public string? Approver { get; init; }

    /// <summary>For a passkey grant: the assertion and nonce, so Core and later an auditor can check it over the binding.</summary>
    public PasskeyAssertion? Assertion { get; init; }
}
