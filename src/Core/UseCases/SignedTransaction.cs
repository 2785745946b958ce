using HsmWallet.Core.Signing;

namespace HsmWallet.Core.UseCases;

/// <summary>A signature the use case produced and the server's own warnings about it (a Sequence waiting on earlier signatures).</summary>
/// <param name="Result">The signed blob, hash, decision and (multisign) signer.</param>
/// <param name="Warnings">Sentences for the caller; empty when none.</param>
public sealed record SignedTransaction(SigningResult Result, IReadOnlyList<string> Warnings);
