namespace HsmWallet.Core.Approvals;

/// <summary>One approver's passkey signature over an approval: who, and the assertion with its nonce, as Core and an auditor check it.</summary>
/// <param name="Approver">The enrolled approver's name, as the page verified it (Core checks it again).</param>
/// <param name="Assertion">The browser's assertion and the page's nonce.</param>
public sealed record PasskeyApproval(string Approver, PasskeyAssertion Assertion);
