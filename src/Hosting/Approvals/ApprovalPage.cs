using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Core.Approvals;

namespace HsmWallet.Hosting.Approvals;

/// <summary>
/// The page on which people answer one stored approval request with their passkeys: the summary in words (the caller's
/// and the ledger's text marked untrusted), who has approved so far against the quorum, the delay and its end when the
/// policy set one, and Approve / Decline (Veto during a delay). Each view draws a fresh nonce authenticated by the vault,
/// for this page's port; an answer is recorded in the <see cref="ApprovalStore"/> only after it verifies against an
/// active approver on exactly this page's origin, and Core verifies every assertion once more before it acts.
/// </summary>
public sealed class ApprovalPage : LoopbackPage
{
    private readonly ApprovalStore _store;
    private readonly string _approvalId;
    private readonly ApprovalRules _rules;
    private readonly Core.UseCases.FreezeUseCases? _freeze;
    private int _views;

    /// <summary>
    /// The most views one page serves: each draws a nonce through an unlock (an Argon2 run on a password vault), and the
    /// page's address is known to the agent, so views are bounded; a person needs a handful, a quorum one each.
    /// </summary>
    public const int MaximumViews = 64;

    /// <summary>
    /// A page for stored request <paramref name="approvalId"/>, answered under <paramref name="rules"/> (its approvers and
    /// verifier), with a Freeze button when <paramref name="freeze"/> is given (stopping everything needs no passkey).
    /// </summary>
    public ApprovalPage(ApprovalStore store, string approvalId, ApprovalRules rules, Core.UseCases.FreezeUseCases? freeze = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(rules);
        _store = store;
        _approvalId = approvalId;
        _rules = rules;
        _freeze = freeze;
        _ = store.Get(approvalId);
    }

    /// <summary>The stored request this page answers.</summary>
    public string ApprovalId => _approvalId;

    /// <inheritdoc />
    protected override string Body(string scriptNonce)
    {
        PendingApproval request;
        try
        {
            request = _store.Get(_approvalId);
        }
        catch (ApprovalException)
        {
            return PageText.Frame("HsmWallet approval", "<h1>This approval is over</h1><p>It expired or was used. Nothing more can be done here.</p>", string.Empty, scriptNonce);
        }

        if (Interlocked.Increment(ref _views) > MaximumViews)
        {
            return PageText.Frame("HsmWallet approval", "<h1>This page was viewed too often</h1><p>Ask for a new approval (or run <code>hsmwallet approve " + Html(request.Id) + "</code> for a new page).</p>", string.Empty, scriptNonce);
        }

        var summary = request.Summary;
        var body = new StringBuilder()
            .Append("<h1>").Append(request.NotBefore is null ? "Approve?" : "Delayed: approve now, or veto").Append("</h1><h2>").Append(Html(summary.Title)).Append("</h2><ul>");
        foreach (var line in summary.Lines)
        {
            body.Append("<li>").Append(Html(line)).Append("</li>");
        }

        body.Append("</ul>");
        foreach (var warning in summary.Warnings)
        {
            body.Append("<p class=\"warning\">WARNING: ").Append(Html(warning)).Append("</p>");
        }

        foreach (var data in summary.UntrustedData)
        {
            body.Append("<p>Untrusted data (from the agent or the ledger; not instructions):</p><div class=\"untrusted\">").Append(Html(data)).Append("</div>");
        }

        var approvers = _rules.Approvers.List();
        body.Append("<p>Operation <code>").Append(Html(request.Operation)).Append("</code>, request <code>").Append(Html(request.Id))
            .Append("</code>, approval binding <code>").Append(Html(request.Binding)).Append("</code>.</p>")
            .Append("<p id=\"quorum\">Needs ").Append(request.Quorum.ToString(CultureInfo.InvariantCulture)).Append(request.Quorum == 1 ? " approver" : " distinct approvers")
            .Append("; approved so far: ").Append(request.Passkeys.Count == 0 ? "nobody" : Html(string.Join(", ", request.Passkeys.Select(passkey => passkey.Approver))))
            .Append(". Enrolled approvers: ").Append(Html(string.Join(", ", approvers.Select(approver => approver.Name)))).Append(".</p>");
        if (request.NotBefore is { } notBefore)
        {
            body.Append("<p id=\"delay\" class=\"warning\">Unless someone vetoes it, this may be signed after ")
                .Append(notBefore.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).Append(" UTC.</p>");
        }

        if (request.State != ApprovalState.Pending || approvers.Count == 0)
        {
            body.Append("<p id=\"state\">This request is ").Append(Html(request.State.ToString().ToLowerInvariant())).Append(approvers.Count == 0 ? " (no approver is enrolled)" : string.Empty).Append(".</p>");
            return PageText.Frame("HsmWallet approval", body.ToString(), string.Empty, scriptNonce);
        }

        body.Append("<p>Approve only if this is exactly what you want; your passkey signs this approval and nothing else.</p>")
            .Append("<button id=\"approve\">Approve</button><button id=\"decline\">").Append(request.NotBefore is null ? "Decline" : "Veto").Append("</button>");
        if (_freeze is not null)
        {
            body.Append("<button id=\"freeze\" class=\"warning\">Freeze everything</button><p>Freeze stops every signature and export of this wallet home at once, until an approver lifts it (<code>hsmwallet unfreeze</code>).</p>");
        }

        var nonce = _rules.Approvers.IssueNonce(Port);
        var options = Fido2Passkeys.AssertionOptionsJson(PasskeyChallenge.For(request.Binding, nonce), approvers);
        var script = "const options=" + options + ";const nonce='" + nonce + "';"
            + "const status=document.getElementById('status');"
            + "async function send(action,body){const r=await fetch(location.pathname+'/'+action,{method:'POST',headers:{'Content-Type':'application/json'},body:JSON.stringify(body)});"
            + "status.textContent=await r.text();document.getElementById('approve').disabled=true;document.getElementById('decline').disabled=true;}"
            + "document.getElementById('approve').addEventListener('click',async()=>{try{"
            + "const credential=await navigator.credentials.get({publicKey:PublicKeyCredential.parseRequestOptionsFromJSON(options)});"
            + "await send('approve',{nonce:nonce,credential:credential.toJSON()});}catch(e){status.textContent='Not approved: '+e.name;}});"
            + "document.getElementById('decline').addEventListener('click',()=>send('decline',{decline:true}));"
            + (_freeze is null ? string.Empty : "document.getElementById('freeze').addEventListener('click',()=>send('freeze',{freeze:true}));");
        return PageText.Frame("HsmWallet approval", body.ToString(), script, scriptNonce);
    }

    /// <inheritdoc />
    protected override Task<(int Status, string Text)> PostAsync(string action, string body, CancellationToken cancellationToken) =>
        Task.FromResult(action switch
        {
            "approve" => Approve(body),
            "decline" => Decline(),
            "freeze" when _freeze is not null => Freeze(),
            _ => (404, "not found"),
        });

    private (int Status, string Text) Freeze()
    {
        var context = Core.Signing.OperationContext.New(new Core.Audit.AuditActor(Core.Audit.AuditActorType.User, "approval-page"), "approval_page");
        var outcome = _freeze!.Freeze("frozen on the approval page of " + _approvalId, context);
        try
        {
            _store.Deny(_approvalId);
        }
        catch (ApprovalException)
        {
            // Already decided or expired: the freeze stands either way.
        }

        return (200, outcome.VaultRecorded
            ? "Frozen. No signature or export happens until an approver lifts it (hsmwallet unfreeze)."
            : "Frozen (the marker is written; the vault could not record it now). No signature or export happens until it is lifted.");
    }

    private (int Status, string Text) Decline()
    {
        try
        {
            var denied = _store.Deny(_approvalId);
            return (200, denied.NotBefore is null ? "Declined. Nothing will be signed or changed." : "Vetoed. Nothing will be signed or changed.");
        }
        catch (ApprovalException refusal)
        {
            return (409, "Not changed: " + refusal.Message);
        }
    }

    private (int Status, string Text) Approve(string body)
    {
        try
        {
            var answer = JsonNode.Parse(body) as JsonObject;
            var nonce = answer?["nonce"] is JsonValue nonceValue && nonceValue.TryGetValue<string>(out var text) ? text : null;
            var credential = answer?["credential"] as JsonObject;
            if (nonce is null || credential is null)
            {
                return (400, "Refused: the answer must hold nonce and credential");
            }

            var request = _store.Get(_approvalId);
            var assertion = new PasskeyAssertion(credential.ToJsonString(), nonce);
            var approver = _rules.Approvers.Verify(_rules.Verifier, new PasskeyApproval(string.Empty, assertion), request.Binding);
            var updated = _store.AddPasskey(_approvalId, request.Binding, new PasskeyApproval(approver.Name, assertion));
            return (200, updated.State == ApprovalState.Approved
                ? string.Create(CultureInfo.InvariantCulture, $"Approved by {approver.Name}.")
                : string.Create(CultureInfo.InvariantCulture, $"Approved by {approver.Name} ({updated.Passkeys.Count} of {updated.Quorum}); another approver must approve: reload this page."));
        }
#pragma warning disable CA1031 // Whatever the answer broke (a missing field, CBOR, crypto), it is refused at once and records nothing.
        catch (Exception error)
#pragma warning restore CA1031
        {
            var message = error switch
            {
                ApprovalException refusal => refusal.Message,
                Core.InvalidInputException invalid => invalid.Message,
                JsonException => "the answer is not JSON; nothing was signed or changed",
                _ => "the answer could not be checked; nothing was signed or changed",
            };
            return (403, "Refused: " + message);
        }
    }
}
