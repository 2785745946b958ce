namespace HsmWallet.Core.Policy.Effects;

/// <summary>One account a transaction names or reaches through a ledger object, with where it was found.</summary>
/// <param name="Address">The classic address.</param>
/// <param name="Field">Where it came from: a field path, or a ledger object's field ("NFTokenSellOffer.Owner").</param>
/// <param name="Role">What it gets from this account.</param>
/// <param name="HasDestinationTag">Whether a DestinationTag goes with it (only a transaction's Destination carries one).</param>
public sealed record Counterparty(string Address, string Field, CounterpartyRole Role, bool HasDestinationTag);
