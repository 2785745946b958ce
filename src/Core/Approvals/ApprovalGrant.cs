namespace HsmWallet.Core.Approvals;

/// <summary>
/// Proof that a human approved exactly one piece of signing data. Only server code creates it (from an
/// accepted elicitation or a redeemed approval id), never from a tool argument, so an agent cannot forge it.
/// </summary>
/// <param name="Binding">The approval binding of the data the human saw (see <see cref="ApprovalBinding"/>).</param>
/// <param name="Via">How the human approved: "elicitation" or "operator".</param>
public sealed record ApprovalGrant(string Binding, string Via);
