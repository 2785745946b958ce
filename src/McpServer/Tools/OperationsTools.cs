// Tool parameters are named as INTERFACES.md fixes them on the wire (snake_case).
#pragma warning disable CA1707
using System.ComponentModel;
using System.Text.Json.Nodes;
using HsmWallet.McpServer.Composition;
using HsmWallet.McpServer.Pipeline;
using ModelContextProtocol.Server;

namespace HsmWallet.McpServer.Tools;

/// <summary>The operations tools: the audit chain's health and the server's own status, both read-only.</summary>
[McpServerToolType]
public sealed class OperationsTools(WalletServices services)
{
    /// <summary>audit_verify: checks the tamper-evident chain.</summary>
    [McpServerTool(Name = "audit_verify", Title = "Verify the audit log", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [Description("Verifies the hash-chained audit log of this wallet home (every entry's HMAC and link) and reports ok, the number of entries, the head sequence and the first bad sequence if any. Read-only; it cannot show or change entries.")]
    public JsonObject Verify() => services.App.Audit.Verify().ToJson();

    /// <summary>server_status: what an agent may need to know before it asks for a signature.</summary>
    [McpServerTool(Name = "server_status", Title = "Server status", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false)]
    [Description("Reports the network this server signs for, the unlockers and whether each is healthy, the unlock lockout state, whether the operator froze the wallet (frozen: false, or since, reason and by; while frozen every signature and export is refused with code frozen, and only the operator can lift it), the rate and resource limits, the approval mode (form, operator or passkey) with the number of enrolled approvers, where the signing state lives (state_store: files or postgres), and (when the vault has a PKCS#11 slot) which key types wallet_create can generate on that token (on_token). Read-only; it reveals no key, secret or file content.")]
    public JsonObject Status()
    {
        var lockedUntil = services.App.Status.LockedUntil();
        var unlockers = new JsonArray();
        foreach (var slot in services.App.Status.Slots())
        {
            unlockers.Add((JsonNode)new JsonObject { ["slot"] = slot.Id, ["kind"] = slot.Kind, ["hardware"] = slot.IsHardwareBacked });
        }

        var health = services.App.Status.Health();
        foreach (var unlocker in unlockers.OfType<JsonObject>())
        {
            var kind = unlocker["kind"]!.GetValue<string>();
            unlocker["healthy"] = health.TryGetValue(kind, out var healthy) && healthy;
        }

        var status = new JsonObject
        {
            ["network"] = services.NetworkName,
            ["unlockers"] = unlockers,
            ["lockout"] = new JsonObject
            {
                ["locked"] = lockedUntil is not null,
                ["locked_until"] = lockedUntil?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            },
            ["frozen"] = services.App.Status.Frozen().ToJson(),
            ["limits"] = RateLimits.Describe(services.Options.RateLimits),
            ["approvals"] = Approvals(),
            // Which backend holds the signing state, counters, approvals and lockout ("files" or "postgres"); never its address.
            ["state_store"] = services.App.StateStore is Core.State.FileStateStore ? "files" : "postgres",
        };
        if (services.App.OnToken.Status() is { } onToken)
        {
            status["on_token"] = new JsonObject
            {
                ["token"] = onToken.Token,
                ["key_types"] = new JsonArray([.. onToken.KeyTypes.Select(type => (JsonNode)type)]),
                ["missing"] = new JsonArray([.. onToken.Missing.Select(item => (JsonNode)new JsonObject { ["key_type"] = item.Key, ["lacks"] = item.Value })]),
                ["problem"] = onToken.Problem,
            };
        }

        return status;
    }

    /// <summary>The approval mode in force and how many approvers are enrolled; "unknown" when the vault cannot be read now (approvals then fail closed).</summary>
    private JsonObject Approvals()
    {
        try
        {
            return new JsonObject
            {
                ["mode"] = Core.Approvals.ApprovalModes.Name(services.App.ApprovalRules.Mode()),
                ["approvers"] = services.App.Approvers.List().Count,
            };
        }
#pragma warning disable CA1031 // Status stays readable when the vault is not; the mode is then unknown, never guessed weaker.
        catch (Exception)
#pragma warning restore CA1031
        {
            return new JsonObject { ["mode"] = "unknown", ["approvers"] = null };
        }
    }
}
