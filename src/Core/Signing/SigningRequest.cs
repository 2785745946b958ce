using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Addresses;

namespace HsmWallet.Core.Signing;

/// <summary>What a caller wants signed, before the ledger or the policy has had a say.</summary>
/// <param name="Wallet">The wallet's name or classic address.</param>
/// <param name="Transaction">The transaction in XRPL JSON form, as the caller gave it.</param>
/// <param name="Autofill">Fill Fee, Sequence, LastLedgerSequence and NetworkID from the ledger.</param>
/// <param name="Multisign">Sign as one member of a signer list instead of as the account.</param>
/// <param name="SigningFor">The account this wallet's key signs for as its regular key (or as a signer list member), if not its own.</param>
public sealed record SigningRequest(string Wallet, JsonObject Transaction, bool Autofill, bool Multisign = false, AccountId? SigningFor = null)
{
    /// <summary>The authenticated agent that asks (its policy section applies too), or null; set from <see cref="OperationContext.Agent"/> by the use case, never from a request's arguments.</summary>
    public string? Agent { get; init; }
}
