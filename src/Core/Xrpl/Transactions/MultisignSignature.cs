using System.Text.Json.Nodes;

namespace HsmWallet.Core.Xrpl.Transactions;

/// <summary>
/// One signer's share of a multisigned transaction: enough to hand to whoever combines the shares,
/// and nothing that lets them sign anything else.
/// </summary>
/// <param name="Signer">The Signer object: Account, SigningPubKey and TxnSignature.</param>
/// <param name="TxBlob">The transaction with this one signer in its Signers array, as uppercase hex.</param>
public sealed record MultisignSignature(JsonObject Signer, string TxBlob);
