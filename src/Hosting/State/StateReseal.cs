using System.Text.Json.Nodes;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Signing;
using HsmWallet.Core.State;
using HsmWallet.Core.Vault;
using HsmWallet.Hosting.Audit;

namespace HsmWallet.Hosting.State;

/// <summary>
/// The operator's way back after a state file or the audit log was found deleted, edited or rolled back
/// (`hsmwallet state reseal`, never an MCP tool): once a human has checked the home, the vault records the audit log
/// as it is now, every state file is sealed again at its current content, and an audit entry says so.
/// </summary>
public static class StateReseal
{
    /// <summary>Runs the recovery holding every signing scope (so no signature on any instance races it); returns what was resealed.</summary>
    public static JsonObject Run(IStateStore store, AuditSession audit, UnlockOptions unlock, AuditActor actor, string toolName, string correlationId)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(unlock);
        return HoldingAll(store, TransactionSigningService.AllSigningScopes(), 0, session =>
        {
            // A store may take a nested scope's lock with its next request (PostgreSQL batches it): one read here makes
            // sure every lock is held before the audit chain is accepted.
            _ = session.List("state");
            return RunHoldingLock(store, audit, unlock, actor, toolName, correlationId);
        });
    }

    private static JsonObject HoldingAll(IStateStore store, IReadOnlyList<string> scopes, int index, Func<IStateSession, JsonObject> work) =>
        store.Exclusive(scopes[index], session => index == scopes.Count - 1 ? work(session) : HoldingAll(store, scopes, index + 1, work));

    private static JsonObject RunHoldingLock(IStateStore store, AuditSession audit, UnlockOptions unlock, AuditActor actor, string toolName, string correlationId)
    {
        var accepted = audit.AcceptCurrentChain(unlock);
        var files = SealedStateFile.Reseal(store, audit.OpenStateSeal(unlock));
        var result = new JsonObject
        {
            ["audit_sequence"] = accepted,
            ["files"] = new JsonArray([.. files.Select(file => (JsonNode)new JsonObject
            {
                ["file"] = file.File,
                ["generation"] = file.Generation,
                ["found"] = file.Found,
            })]),
        };
        audit.Append(new AuditEvent(AuditEventType.ConfigChange, toolName, correlationId, actor, "state_reseal", (JsonObject)result.DeepClone(), AuditResult.Success));
        return result;
    }
}
