using System.Text.Json.Nodes;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Policy.Effects;
using HsmWallet.Core.Vault;
using HsmWallet.Core.Xrpl.Addresses;

namespace HsmWallet.Core.Signing;

/// <summary>
/// A transaction ready to be signed, with no key touched yet: the wallet it is for, the final transaction after
/// autofill, the policy's decision, and what a human would be shown and asked to approve.
/// </summary>
/// <param name="Wallet">The signing wallet.</param>
/// <param name="Network">The network name the policy and signing state use.</param>
/// <param name="Transaction">The transaction as it will be signed.</param>
/// <param name="Multisign">Whether it is signed as one member of a signer list.</param>
/// <param name="SigningFor">The account signed for with a regular key or as a signer, or null for the wallet's own.</param>
/// <param name="Decision">The policy's decision at preparation (signing evaluates again under its lock).</param>
/// <param name="ApprovalBinding">The fingerprint an approval must carry to let this be signed.</param>
/// <param name="Summary">The words a human approves.</param>
public sealed record PreparedSigning(
    WalletInfo Wallet,
    string Network,
    JsonObject Transaction,
    bool Multisign,
    AccountId? SigningFor,
    PolicyDecision Decision,
    string ApprovalBinding,
    ApprovalSummary Summary)
{
    /// <summary>The ledger objects read at preparation: every later decision and the counters use this same reading.</summary>
    public LedgerReadings Readings { get; init; } = LedgerReadings.None;

    /// <summary>What the operator should know before submitting (a Sequence waiting on earlier unsubmitted signatures); empty when nothing.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The authenticated agent it was prepared for (its policy section applies, and the approval is bound to it), or null.</summary>
    public string? Agent { get; init; }
}
