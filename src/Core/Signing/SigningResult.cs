using System.Text.Json.Nodes;
using HsmWallet.Core.Policy;

namespace HsmWallet.Core.Signing;

/// <summary>What a signature produced; no key material, only what may be shown and submitted.</summary>
/// <param name="TxBlob">The signed transaction (for a multisignature: the transaction with this signer added).</param>
/// <param name="Hash">The transaction hash (for a multisignature: of the blob with this one signer).</param>
/// <param name="Decision">The policy decision it was signed under.</param>
/// <param name="Signer">For a multisignature, the Signer object to combine; otherwise null.</param>
public sealed record SigningResult(string TxBlob, string Hash, PolicyDecision Decision, JsonObject? Signer = null);
