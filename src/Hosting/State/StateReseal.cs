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
    /// <summary>Runs the recovery under the signing lock (so no signature races it); returns what was resealed.</summary>
    public static JsonObject Run(IStateStore store, AuditSession audit, UnlockOptions unlock, AuditActor actor, string toolName, string correlationId)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(unlock);
        return store.Exclusive(TransactionSigningService.SigningScope, _ => RunHoldingLock(store, audit, unlock, actor, toolName, correlationId));
    }

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
