using System.Text.Json.Nodes;

namespace HsmWallet.Core.Policy.Effects;

/// <summary>One ledger_entry lookup a transaction's model needs, keyed so the decision and the signature share one reading.</summary>
/// <param name="Key">The lookup's identity ("index:ID" or "account_root:rADDRESS").</param>
/// <param name="Kind">What the object must be.</param>
/// <param name="Parameters">The ledger_entry parameters (without ledger_index).</param>
public sealed record LedgerObjectRequest(string Key, LedgerObjectKind Kind, JsonObject Parameters);
