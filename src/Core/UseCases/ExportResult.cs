namespace HsmWallet.Core.UseCases;

/// <summary>Where a wallet backup was written and its fingerprint, so the operator can check the copy they keep.</summary>
/// <param name="Path">The backup file (0600).</param>
/// <param name="Sha256">SHA-256 of the file, lowercase hex.</param>
public sealed record ExportResult(string Path, string Sha256);
