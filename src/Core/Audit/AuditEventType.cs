namespace HsmWallet.Core.Audit;

/// <summary>What happened, as the spec's fixed list, so auditors can filter entries by kind.</summary>
public enum AuditEventType
{
    /// <summary>A wallet was created (wire name "wallet.create").</summary>
    WalletCreate,

    /// <summary>A wallet was imported from a seed or mnemonic (wire name "wallet.import").</summary>
    WalletImport,

    /// <summary>A wallet was exported as an encrypted backup (wire name "wallet.export").</summary>
    WalletExport,

    /// <summary>A wallet was deleted (wire name "wallet.delete").</summary>
    WalletDelete,

    /// <summary>A key was generated (wire name "key.generate").</summary>
    KeyGenerate,

    /// <summary>A key was derived (wire name "key.derive").</summary>
    KeyDerive,

    /// <summary>A transaction was signed (wire name "transaction.sign").</summary>
    TransactionSign,

    /// <summary>A transaction was submitted to the ledger (wire name "transaction.submit").</summary>
    TransactionSubmit,

    /// <summary>An unlock succeeded (wire name "auth.success").</summary>
    AuthSuccess,

    /// <summary>An unlock failed (wire name "auth.failure").</summary>
    AuthFailure,

    /// <summary>Unlocking was locked out after failures (wire name "auth.lockout").</summary>
    AuthLockout,

    /// <summary>A call was refused by the rate limit (wire name "security.rate_limit").</summary>
    SecurityRateLimit,

    /// <summary>A call was refused for invalid input (wire name "security.invalid_input").</summary>
    SecurityInvalidInput,

    /// <summary>Something looked like an attack (wire name "security.suspicious").</summary>
    SecuritySuspicious,

    /// <summary>A vault was created by `init` (wire name "vault.init").</summary>
    VaultInit,

    /// <summary>An unlocker slot was added (wire name "slot.add").</summary>
    SlotAdd,

    /// <summary>An unlocker slot was removed (wire name "slot.remove").</summary>
    SlotRemove,

    /// <summary>An unlocker slot was tested by unlocking through it (wire name "slot.test").</summary>
    SlotTest,

    /// <summary>The signing policy was changed (wire name "policy.change").</summary>
    PolicyChange,

    /// <summary>A pending operation was approved by a person (wire name "approval.grant").</summary>
    ApprovalGrant,

    /// <summary>A pending operation was denied by a person (wire name "approval.deny").</summary>
    ApprovalDeny,

    /// <summary>A setting of the wallet or its host was changed (wire name "config.change").</summary>
    ConfigChange,
}
