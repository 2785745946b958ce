namespace HsmWallet.KeyProviders.Tpm;

/// <summary>The TPM's dictionary-attack counters, so operators see how close a lockout is and when it ends.</summary>
/// <param name="InLockout">True while the TPM refuses every DA-protected authorization.</param>
/// <param name="FailedAttempts">TPM2_PT_LOCKOUT_COUNTER: failures counted now.</param>
/// <param name="MaxFailedAttempts">TPM2_PT_MAX_AUTH_FAIL: failures that trigger the lockout.</param>
/// <param name="LockoutIntervalSeconds">TPM2_PT_LOCKOUT_INTERVAL: seconds after which one failure is forgotten.</param>
/// <param name="LockoutRecoverySeconds">TPM2_PT_LOCKOUT_RECOVERY: seconds before a failed lockout-authorization may be retried.</param>
public sealed record TpmLockoutState(
    bool InLockout,
    uint FailedAttempts,
    uint MaxFailedAttempts,
    uint LockoutIntervalSeconds,
    uint LockoutRecoverySeconds);
