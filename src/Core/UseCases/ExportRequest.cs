namespace HsmWallet.Core.UseCases;

/// <summary>One wallet backup asked for: which wallet, where it goes, what opens it, and an earlier approval's id if any.</summary>
/// <param name="Wallet">The wallet's name or classic address (a name only when <paramref name="NameOnly"/>).</param>
/// <param name="Destination">Where the backup file is written.</param>
/// <param name="Protection">What opens the backup.</param>
/// <param name="ApprovalId">The id of an approval the operator already gave for exactly this export, or null.</param>
/// <param name="NameOnly">True when <paramref name="Wallet"/> is a name only (the CLI's --name), never an address.</param>
public sealed record ExportRequest(string Wallet, BackupDestination Destination, BackupProtection Protection, string? ApprovalId = null, bool NameOnly = false);
