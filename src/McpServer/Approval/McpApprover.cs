using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Signing;
using HsmWallet.Hosting.Approvals;
using HsmWallet.McpServer.Pipeline;
using ModelContextProtocol.Protocol;

namespace HsmWallet.McpServer.Approval;

/// <summary>
/// The server's side of Core's approver port, by the approval mode in force (Core's <see cref="ApprovalRules"/> check
/// the grant again whatever this returns). With an approval id: redeem it from the store. A delay the policy set: store
/// it and answer approval_delayed with the id, the time and the veto page. Passkey mode (or a quorum): store the request,
/// serve its page, hand the page to the client through URL-mode elicitation and wait when the client offers it, else
/// answer approval_pending with the page's address. Form mode with a client offering forms: ask with a form. Otherwise
/// the operator answers with `hsmwallet approve ID` and the agent gets approval_pending.
/// </summary>
public sealed class McpApprover : IApprover
{
    /// <summary>The form field the person ticks to approve.</summary>
    public const string ApproveField = "approve";

    private readonly ApprovalStore _store;
    private readonly ApprovalRules _rules;
    private readonly ApprovalPages _pages;
    private readonly ModelContextProtocol.Server.McpServer? _server;
    private readonly TimeSpan _wait;

    /// <summary>How long before the call's deadline a URL-mode wait stops, so the answer (approval_pending with the page) still gets out.</summary>
    private static readonly TimeSpan DeadlineMargin = TimeSpan.FromSeconds(2);

    /// <summary>Binds the store, Core's rules, the server's open pages, the client's session (null in tests without one) and how long a URL elicitation waits.</summary>
    public McpApprover(ApprovalStore store, ApprovalRules rules, ApprovalPages pages, ModelContextProtocol.Server.McpServer? server, TimeSpan? wait = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(pages);
        _store = store;
        _rules = rules;
        _pages = pages;
        _server = server;
        _wait = wait ?? PasskeyApprover.DefaultWait;
    }

    /// <summary>Whose pending requests a new one counts towards (each agent has its own bound; mcp-client over stdio).</summary>
    public string Agent { get; init; } = ApprovalStore.DefaultAgent;

    /// <inheritdoc />
    public async Task<ApprovalGrant> ApproveAsync(ApprovalRequest request, OperationContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (request.ApprovalId is { } approvalId)
        {
            try
            {
                return _store.Redeem(approvalId, request.Binding);
            }
            catch (ApprovalException waiting) when (waiting.Code is "approval_pending" or "approval_delayed" && waiting.Approval is { } stored)
            {
                var url = stored.Passkeys.Count > 0 || stored.NotBefore is not null || NeedsPasskey(request) ? await _pages.ServeAsync(stored.Id, context.Cancellation).ConfigureAwait(false) : null;
                throw waiting.Code == "approval_delayed" ? Delayed(stored, url) : Pending(stored, url, waiting.Message);
            }
        }

        if (request.Delay is not null && request.Quorum <= 1)
        {
            var delayed = _store.Create(request, agent: Agent);
            throw Delayed(delayed, await _pages.ServeAsync(delayed.Id, context.Cancellation).ConfigureAwait(false));
        }

        if (NeedsPasskey(request))
        {
            return await AskWithPasskeyAsync(request with { Delay = null }, context).ConfigureAwait(false);
        }

        if (_rules.Mode() == ApprovalMode.Form && ClientOffersForms())
        {
            return await ElicitFormAsync(_server!, request, context.Cancellation).ConfigureAwait(false);
        }

        throw Pending(_store.Create(request with { Delay = null }, agent: Agent), null);
    }

    /// <summary>The approval_pending refusal for <paramref name="pending"/>, with its page's address when people answer it with passkeys.</summary>
    public static ToolRefusedException Pending(PendingApproval pending, Uri? url, string? progress = null)
    {
        ArgumentNullException.ThrowIfNull(pending);
        var extra = new JsonObject
        {
            ["approval_id"] = pending.Id,
            ["expires_at"] = Time(pending.ExpiresAt),
        };
        string message;
        if (url is not null)
        {
            extra["approval_url"] = url.ToString();
            extra["approvers_needed"] = pending.Quorum;
            extra["approved_by"] = new JsonArray([.. pending.Passkeys.Select(passkey => (JsonNode)passkey.Approver)]);
            message = $"a person must approve this with a passkey on the approval page (approval_url; the operator can also run `hsmwallet approve {pending.Id}` to open one){(progress is null ? string.Empty : ": " + progress)}; then call the same tool again, unchanged, with approval_id";
        }
        else
        {
            message = $"a human must approve this: the operator runs `hsmwallet approve {pending.Id}` (or `hsmwallet approve deny {pending.Id}`); then call the same tool again, unchanged, with approval_id";
        }

        return new ToolRefusedException("approval_pending", message, extra);
    }

    /// <summary>The approval_delayed refusal for <paramref name="delayed"/>: when it may be signed, and the page where it can be vetoed.</summary>
    public static ToolRefusedException Delayed(PendingApproval delayed, Uri? vetoUrl)
    {
        ArgumentNullException.ThrowIfNull(delayed);
        var signAfter = delayed.NotBefore ?? delayed.CreatedAt;
        var extra = new JsonObject
        {
            ["approval_id"] = delayed.Id,
            ["sign_after"] = Time(signAfter),
            ["expires_at"] = Time(delayed.ExpiresAt),
        };
        if (vetoUrl is not null)
        {
            extra["veto_url"] = vetoUrl.ToString();
        }

        return new ToolRefusedException(
            "approval_delayed",
            $"the policy lets this be signed after a delay: call the same tool again, unchanged, with approval_id after {Time(signAfter)}; until then the operator (`hsmwallet approve deny {delayed.Id}`) or an approver (veto_url) can veto it",
            extra);
    }

    private bool NeedsPasskey(ApprovalRequest request) => request.Quorum > 1 || _rules.Mode() == ApprovalMode.Passkey;

    private bool ClientOffersForms() =>
        _server?.ClientCapabilities?.Elicitation is { } elicitation && (elicitation.Form is not null || elicitation.Url is null);

    private bool ClientOffersUrls() => _server?.ClientCapabilities?.Elicitation?.Url is not null;

    private async Task<ApprovalGrant> AskWithPasskeyAsync(ApprovalRequest request, OperationContext context)
    {
        if (_rules.Approvers.List().Count < request.Quorum)
        {
            throw new ApprovalException(
                "approval_declined",
                string.Create(CultureInfo.InvariantCulture, $"this needs {request.Quorum} passkey approvers and fewer are enrolled (`hsmwallet approver add NAME`); nothing was signed or changed"));
        }

        var pending = _store.Create(request, agent: Agent);
        var url = await _pages.ServeAsync(pending.Id, context.Cancellation).ConfigureAwait(false);
        if (!ClientOffersUrls())
        {
            throw Pending(pending, url);
        }

        var answer = await _server!.ElicitAsync(
            new ElicitRequestParams
            {
                Mode = "url",
                Url = url.ToString(),
                ElicitationId = pending.Id,
                Message = "Open this page to approve or decline with your passkey: " + pending.Summary.Title,
            },
            context.Cancellation).ConfigureAwait(false);
        if (!answer.IsAccepted)
        {
            Withdraw(pending.Id);
            throw new ToolRefusedException("approval_declined", "the person declined to open the approval page; nothing was signed or changed");
        }

        // Wait within the call's own deadline (less a margin to answer): past it the request stays, and the agent retries with its id.
        var wait = _wait;
        if (context.Deadline is { } deadline)
        {
            var left = deadline - DateTimeOffset.UtcNow - DeadlineMargin;
            wait = left < TimeSpan.Zero ? TimeSpan.Zero : left < wait ? left : wait;
        }

        var state = await PasskeyApprover.WaitForDecisionAsync(_store, pending.Id, wait, context.Cancellation).ConfigureAwait(false);
        if (state != ApprovalState.Pending)
        {
            await _server.SendNotificationAsync(
                NotificationMethods.ElicitationCompleteNotification,
                new ElicitationCompleteNotificationParams { ElicitationId = pending.Id },
                cancellationToken: context.Cancellation).ConfigureAwait(false);
        }

        return state switch
        {
            ApprovalState.Approved => _store.Redeem(pending.Id, request.Binding),
            ApprovalState.Denied => throw new ToolRefusedException("approval_declined", "an approver declined on the approval page; nothing was signed or changed"),
            _ => throw Pending(_store.Get(pending.Id), url, "nobody has answered yet"),
        };
    }

    private void Withdraw(string approvalId)
    {
        try
        {
            _store.Deny(approvalId);
        }
        catch (ApprovalException)
        {
            // Decided or expired meanwhile: nothing to withdraw.
        }
    }

    private static string Time(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static async Task<ApprovalGrant> ElicitFormAsync(ModelContextProtocol.Server.McpServer server, ApprovalRequest approval, CancellationToken cancellationToken)
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
            ? new ApprovalGrant(approval.Binding, ApprovalGrant.ViaElicitation)
            : throw new ToolRefusedException("approval_declined", "the person did not approve; nothing was signed or changed");
    }
}
