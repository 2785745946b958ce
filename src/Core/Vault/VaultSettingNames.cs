namespace HsmWallet.Core.Vault;

/// <summary>
/// Names of the vault-held settings later features keep in the encrypted settings area, collected here so
/// no two features pick the same name.
/// </summary>
public static class VaultSettingNames
{
    /// <summary>The audit log's HMAC key (32 random bytes).</summary>
    public const string AuditHmacKey = "audit.hmac-key";

    /// <summary>The audit head's sequence at the vault's last write (ASCII decimal): a log missing or shorter than it was deleted or truncated.</summary>
    public const string AuditSequence = "audit.sequence";

    /// <summary>The SHA-256 of the policy file the operator last approved.</summary>
    public const string PolicySha256 = "policy.sha256";

    /// <summary>How many wallets the vault may hold (4 bytes, big-endian); absent means <see cref="UnlockedVault.DefaultWalletLimit"/>.</summary>
    public const string WalletLimit = "wallets.limit";

    /// <summary>The enrolled passkey approvers (UTF-8 JSON: name, credential id, COSE public key, sign count), so only their assertions grant an approval.</summary>
    public const string PasskeyApprovers = "approvers.passkeys";

    /// <summary>The key that authenticates approval-page nonces (32 random bytes), so Core counts only assertions over nonces a holder of the vault key drew.</summary>
    public const string ApprovalNonceKey = "approvers.nonce-key";

    /// <summary>The nonces of passkey approvals already used (32 bytes each, pruned once older than a nonce may be), so no assertion counts twice.</summary>
    public const string SpentApprovalNonces = "approvers.spent-nonces";

    /// <summary>The weakest approval mode any host may use (UTF-8 "form", "operator" or "passkey"), set by the operator; absent: passkey once an approver is enrolled.</summary>
    public const string ApprovalMode = "approvers.mode";

    /// <summary>The operator's freeze (UTF-8 JSON: id, since, by, reason): while present no signature or export happens, whatever the marker file says.</summary>
    public const string Freeze = "freeze.record";

    /// <summary>The SHA-256 of the home's agents.json as `hsmwallet agent` last wrote it, so an agent list changed by anyone else is refused.</summary>
    public const string AgentsSha256 = "agents.sha256";
}
