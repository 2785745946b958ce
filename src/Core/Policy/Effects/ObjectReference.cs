namespace HsmWallet.Core.Policy.Effects;

/// <summary>A field of a transaction that points at a ledger object whose contents the model must read.</summary>
/// <param name="Field">The transaction field holding the object's id (or, for the account root, the field that triggers the read).</param>
/// <param name="Kind">What the object is expected to be.</param>
public sealed record ObjectReference(string Field, LedgerObjectKind Kind);
