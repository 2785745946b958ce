using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Signing;
using HsmWallet.McpServer.Pipeline;
using ModelContextProtocol.Protocol;

namespace HsmWallet.McpServer.Approval;

/// <summary>
/// The server's side of Core's approver port: a human's approval the agent cannot forge. With an approval id: redeem
/// it from the operator's store (bound to the exact data). Else, when the client declared elicitation: ask the person
/// with a form showing the summary in words; accept grants, decline or cancel refuses. Else: record a pending approval
/// the operator answers with `hsmwallet approve ID` and refuse with approval_pending, the id and its expiry.
/// </summary>
public sealed class McpApprover(ApprovalStore store, ModelContextProtocol.Server.McpServer? server) : IApprover
{
    /// <summary>The form field the person ticks to approve.</summary>
    public const string ApproveField = "approve";

    /// <inheritdoc />
    public async Task<ApprovalGrant> ApproveAsync(ApprovalRequest request, OperationContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (request.ApprovalId is { } approvalId)
        {
            return store.Redeem(approvalId, request.Binding);
        }

        if (server?.ClientCapabilities?.Elicitation is not null)
        {
            return await ElicitAsync(server, request, context.Cancellation).ConfigureAwait(false);
        }

        throw Pending(store.Create(request.Binding, request.Summary));
    }

    /// <summary>The approval_pending refusal for <paramref name="pending"/>.</summary>
    public static ToolRefusedException Pending(PendingApproval pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        return new ToolRefusedException(
            "approval_pending",
            $"a human must approve this: the operator runs `hsmwallet approve {pending.Id}` (or `hsmwallet approve deny {pending.Id}`); then call the same tool again, unchanged, with approval_id",
            new JsonObject
            {
                ["approval_id"] = pending.Id,
                ["expires_at"] = pending.ExpiresAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            });
    }

    private static async Task<ApprovalGrant> ElicitAsync(ModelContextProtocol.Server.McpServer server, ApprovalRequest approval, CancellationToken cancellationToken)
    {
        var request = new ElicitRequestParams
        {
            Message = approval.Summary.ToText() + "\nApprove only if this is exactly what you want. Lines marked untrusted data come from the agent or the ledger.",
            RequestedSchema = new ElicitRequestParams.RequestSchema
            {
                Properties = new Dictionary<string, ElicitRequestParams.PrimitiveSchemaDefinition>(StringComparer.Ordinal)
                {
                    [ApproveField] = new ElicitRequestParams.BooleanSchema
                    {
                        Title = "Approve",
                        Description = "Tick to approve exactly what is shown above.",
                        Default = false,
                    },
                },
                Required = [ApproveField],
            },
        };
        var answer = await server.ElicitAsync(request, cancellationToken).ConfigureAwait(false);
        var approved = answer.IsAccepted
            && answer.Content is { } content
            && content.TryGetValue(ApproveField, out var value)
            && value.ValueKind == JsonValueKind.True;
        return approved
            ? new ApprovalGrant(approval.Binding, "elicitation")
            : throw new ToolRefusedException("approval_declined", "the person did not approve; nothing was signed or changed");
    }
}
