namespace HsmWallet.Core.Audit;

/// <summary>What reading the head record found, so writer and verifier can refuse the right way.</summary>
internal enum AuditHeadStatus
{
    Valid,
    Missing,
    Unreadable,
    Forged,
}
