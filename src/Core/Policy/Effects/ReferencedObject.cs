namespace HsmWallet.Core.Policy.Effects;

/// <summary>A ledger object a transaction draws from, as read for the decision: what it is and what it moves, or why it could not be read.</summary>
/// <param name="Field">The transaction field that points at it.</param>
/// <param name="Kind">What it was expected to be.</param>
/// <param name="Id">The object id (or the account, for an account root).</param>
/// <param name="Description">What it moves and to whom, in words; null when unreadable.</param>
/// <param name="Problem">Why it could not be read or trusted, or null.</param>
public sealed record ReferencedObject(string Field, LedgerObjectKind Kind, string Id, string? Description, string? Problem);
