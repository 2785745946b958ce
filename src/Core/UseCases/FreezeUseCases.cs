using System.Text.Json.Nodes;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Secrets.Files;
using HsmWallet.Core.Signing;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Vault;

namespace HsmWallet.Core.UseCases;

/// <summary>What a freeze did: the record, whether the vault holds it too (and why not), and whether it was audited.</summary>
/// <param name="Record">The freeze made.</param>
/// <param name="VaultRecorded">True when the vault's authenticated settings hold it as well as the marker file.</param>
/// <param name="VaultProblem">Why the vault does not hold it (the error code of the unlock or write), or null.</param>
/// <param name="Audited">True when the audit log holds the freeze (it needs the vault's key).</param>
public sealed record FreezeOutcome(FreezeRecord Record, bool VaultRecorded, string? VaultProblem, bool Audited);

/// <summary>What an unfreeze did: whether a freeze was lifted, which one, and who approved it how.</summary>
/// <param name="Lifted">True when a freeze was in place and is now lifted from both places.</param>
/// <param name="Before">The freeze as it was before (not frozen when <paramref name="Lifted"/> is false).</param>
/// <param name="ApprovedVia">"passkey" or "operator", or null when nothing was lifted.</param>
/// <param name="Approver">The enrolled approver whose passkey lifted it, or null.</param>
public sealed record UnfreezeOutcome(bool Lifted, FreezeState Before, string? ApprovedVia, string? Approver);

/// <summary>
/// Freeze and unfreeze, the operator's emergency stop: a freeze stops every signature, export and delete at once, in
/// every process on this home (the signing path and the wallet use cases check it), until lifted. Freezing needs
/// nothing slow: the marker file first (no unlock), then the vault's record when the vault can be unlocked. Lifting
/// needs an enrolled approver's passkey over this exact freeze when any approver is enrolled, else the operator's
/// confirmation; both are audited. No MCP tool reaches this class.
/// </summary>
public sealed class FreezeUseCases
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    private readonly WalletVault _vault;
    private readonly IAuditLog _audit;
    private readonly PasskeyApproverStore _approvers;
    private readonly ApprovalRules? _passkeys;
    private readonly Func<UnlockOptions> _unlock;
    private readonly TimeProvider _time;
    private readonly WalletFreeze _freeze;

    /// <summary>Binds the vault, its audit log, the enrolled approvers and their check, and how each operation unlocks.</summary>
    public FreezeUseCases(WalletVault vault, IAuditLog audit, PasskeyApproverStore approvers, ApprovalRules? passkeys, Func<UnlockOptions> unlock, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(vault);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(approvers);
        ArgumentNullException.ThrowIfNull(unlock);
        _vault = vault;
        _audit = audit;
        _approvers = approvers;
        _passkeys = passkeys;
        _unlock = unlock;
        _time = time ?? TimeProvider.System;
        _freeze = new WalletFreeze(vault);
    }

    /// <summary>The freeze now, without unlocking: the marker, and the vault's record as this process's last unlock saw it.</summary>
    public FreezeState Current() => _freeze.Current();

    /// <summary>
    /// Freezes: writes the marker (atomic, 0600) at once, then the vault's record when the vault unlocks (a failure to
    /// unlock is reported, the marker alone already freezes), then the audit entry when the audit log is open.
    /// </summary>
    public FreezeOutcome Freeze(string? reason, OperationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var record = FreezeRecord.New(_time.GetUtcNow(), context.Actor.Id ?? context.Actor.Type.ToString().ToLowerInvariant(), reason);
        _freeze.WriteMarker(record);
        string? vaultProblem = null;
        try
        {
            using var freezeLock = FileLock.Acquire(_freeze.MarkerPath, LockTimeout);
            _vault.Update(_unlock(), vault =>
            {
                WalletFreeze.WriteSetting(vault, record);
                return true;
            });
        }
#pragma warning disable CA1031 // The marker already freezes; whatever stopped the vault's copy is reported, never thrown.
        catch (Exception error) when (error is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            vaultProblem = ProblemCode(error);
        }

        var audited = TryAppend(context, "freeze", record, AuditResult.Success, null, new JsonObject { ["vault_recorded"] = vaultProblem is null });
        return new FreezeOutcome(record, vaultProblem is null, vaultProblem, audited);
    }

    /// <summary>
    /// Lifts the freeze in place: one unlock reads the vault's record and the enrolled approvers; with any approver
    /// enrolled, <paramref name="approverFor"/>(true) must return an enrolled passkey's grant over exactly this freeze
    /// (Core verifies it), else <paramref name="approverFor"/>(false) the operator's. The freeze must still be the
    /// approved one when both places are cleared (the vault's record first, then the marker). Audited before and after.
    /// </summary>
    public async Task<UnfreezeOutcome> UnfreezeAsync(Func<bool, IApprover> approverFor, OperationContext context)
    {
        ArgumentNullException.ThrowIfNull(approverFor);
        ArgumentNullException.ThrowIfNull(context);
        var state = _vault.Read(_unlock(), _freeze.Current);
        if (!state.IsFrozen)
        {
            return new UnfreezeOutcome(false, state, null, null);
        }

        var passkeyRequired = _approvers.List().Count > 0;
        var summary = new ApprovalSummary(
            "Lift the freeze: signatures and exports start again",
            [$"Freeze: {state.Describe()}"],
            ["Once lifted, the agent can sign and export again within the policy."],
            []);
        ApprovalGrant grant;
        try
        {
            grant = await ApprovalGate.RequireAsync(approverFor(passkeyRequired), new ApprovalRequest("unfreeze", state.Binding, summary, null), context, _passkeys).ConfigureAwait(false);
            if (passkeyRequired && !string.Equals(grant.Via, ApprovalGrant.ViaPasskey, StringComparison.Ordinal))
            {
                throw new ApprovalException("approval_declined", "a passkey approver is enrolled, so only an approver's passkey lifts the freeze (--yes or a typed yes does not); nothing was lifted");
            }
        }
        catch (ApprovalException error)
        {
            TryAppend(context, "unfreeze", state.Record, AuditResult.Denied, error.Code, null);
            throw;
        }

        context.Cancellation.ThrowIfCancellationRequested();
        var approval = new JsonObject { ["approved_via"] = grant.Via, ["approver"] = grant.Approvers.Count == 0 ? null : string.Join(",", grant.Approvers) };
        _audit.Append(Event(context, "unfreeze", state.Record, AuditResult.Started, null, approval));
        using (FileLock.Acquire(_freeze.MarkerPath, LockTimeout))
        {
            _vault.Update(_unlock(), vault =>
            {
                if (!string.Equals(_freeze.Current(vault).Binding, state.Binding, StringComparison.Ordinal))
                {
                    throw new ApprovalException("approval_declined", "the freeze changed while the approval was asked (a new freeze was made); nothing was lifted: run unfreeze again");
                }

                WalletFreeze.RemoveSetting(vault);
                return true;
            });
            _freeze.DeleteMarker();
        }

        _audit.Append(Event(context, "unfreeze", state.Record, AuditResult.Success, null, approval));
        return new UnfreezeOutcome(true, state, grant.Via, grant.Approvers.Count == 0 ? null : string.Join(",", grant.Approvers));
    }

    private bool TryAppend(OperationContext context, string operation, FreezeRecord? record, AuditResult result, string? code, JsonObject? extra)
    {
        try
        {
            _audit.Append(Event(context, operation, record, result, code, extra));
            return true;
        }
#pragma warning disable CA1031 // The freeze (or the refusal) stands whether or not the log could take its entry; the answer says which.
        catch (Exception error) when (error is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    private static AuditEvent Event(OperationContext context, string operation, FreezeRecord? record, AuditResult result, string? code, JsonObject? extra)
    {
        var parameters = new JsonObject
        {
            ["freeze_id"] = record?.Id,
            ["since"] = record?.SinceText,
            ["reason"] = record?.Reason,
        };
        foreach (var (name, value) in extra ?? [])
        {
            parameters[name] = value?.DeepClone();
        }

        return new AuditEvent(AuditEventType.ConfigChange, context.ToolName, context.CorrelationId, context.Actor, operation, parameters, result, code);
    }

    private static string ProblemCode(Exception error) => error switch
    {
        LockedOutException => "locked_out",
        UnlockFailedException or KeyProviderUnavailableException => "unlock_failed",
        VaultNotFoundException => "vault_not_found",
        VaultIntegrityException => "vault_integrity",
        UnsafeFilePermissionsException => "unsafe_permissions",
        FileLockTimeoutException => "timeout",
        OperationCanceledException => "cancelled",
        InvalidInputException => "invalid_input",
        _ => "internal",
    };
}
