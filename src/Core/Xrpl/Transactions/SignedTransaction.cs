using System.Text.Json.Nodes;

namespace HsmWallet.Core.Xrpl.Transactions;

/// <summary>
/// A transaction ready for the ledger: the blob to submit, the hash to track it by, and the JSON that
/// the blob encodes, so a caller can show a person exactly what was signed.
/// </summary>
/// <param name="TxBlob">The signed transaction in canonical binary, as uppercase hex.</param>
/// <param name="Hash">The transaction id the ledger will report, as uppercase hex.</param>
/// <param name="TxJson">The signed transaction in XRPL JSON form.</param>
public sealed record SignedTransaction(string TxBlob, string Hash, JsonObject TxJson);
