using System.Globalization;
using System.Text;
using System.Text.Json;
using HsmWallet.Core.Approvals;

namespace HsmWallet.Hosting.Approvals;

/// <summary>
/// The page on which a person approves one <see cref="ApprovalRequest"/> with a passkey: the summary in words (the
/// caller's and the ledger's text marked untrusted), and Approve / Decline. The challenge is SHA-256 over the binding
/// and a single-use server nonce; the page accepts one answer only, and grants only after the assertion verifies
/// against an enrolled approver (Core verifies it once more before acting).
/// </summary>
public sealed class ApprovalPage : LoopbackPage
{
    private readonly ApprovalRequest _request;
    private readonly IReadOnlyList<EnrolledApprover> _approvers;
    private readonly IApprovalAssertionVerifier _verifier;
    private readonly string _nonce = PasskeyChallenge.NewNonce();
    private readonly TaskCompletionSource<ApprovalGrant> _decision = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _answered;

    /// <summary>A page for <paramref name="request"/> that only <paramref name="approvers"/> can approve, checked with <paramref name="verifier"/>.</summary>
    public ApprovalPage(ApprovalRequest request, IReadOnlyList<EnrolledApprover> approvers, IApprovalAssertionVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(approvers);
        ArgumentNullException.ThrowIfNull(verifier);
        _request = request;
        _approvers = approvers;
        _verifier = verifier;
    }

    /// <summary>The person's answer: a verified passkey grant, or an <see cref="ApprovalException"/> (declined, or an assertion that did not verify).</summary>
    public Task<ApprovalGrant> Decision => _decision.Task;

    /// <inheritdoc />
    protected override string Body(string scriptNonce)
    {
        var summary = _request.Summary;
        var body = new StringBuilder()
            .Append("<h1>Approve?</h1><h2>").Append(Html(summary.Title)).Append("</h2><ul>");
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

        body.Append("<p>Operation <code>").Append(Html(_request.Operation)).Append("</code>, approval binding <code>").Append(Html(_request.Binding))
            .Append("</code>. Approvers: ").Append(Html(string.Join(", ", _approvers.Select(approver => approver.Name)))).Append(".</p>")
            .Append("<p>Approve only if this is exactly what you want; your passkey signs this approval and nothing else.</p>")
            .Append("<button id=\"approve\">Approve</button><button id=\"decline\">Decline</button>");
        var options = Fido2Passkeys.AssertionOptionsJson(PasskeyChallenge.For(_request.Binding, _nonce), _approvers);
        var script = "const options=" + options + ";"
            + "const status=document.getElementById('status');"
            + "async function send(action,body){const r=await fetch(location.pathname+'/'+action,{method:'POST',headers:{'Content-Type':'application/json'},body:JSON.stringify(body)});"
            + "status.textContent=await r.text();document.getElementById('approve').disabled=true;document.getElementById('decline').disabled=true;}"
            + "document.getElementById('approve').addEventListener('click',async()=>{try{"
            + "const credential=await navigator.credentials.get({publicKey:PublicKeyCredential.parseRequestOptionsFromJSON(options)});"
            + "await send('approve',credential.toJSON());}catch(e){status.textContent='Not approved: '+e.name;}});"
            + "document.getElementById('decline').addEventListener('click',()=>send('decline',{decline:true}));";
        return PageText.Frame("HsmWallet approval", body.ToString(), script, scriptNonce);
    }

    /// <inheritdoc />
    protected override Task<(int Status, string Text)> PostAsync(string action, string body, CancellationToken cancellationToken)
    {
        if (action is not "approve" and not "decline")
        {
            return Task.FromResult((404, "not found"));
        }

        // One answer per page: the nonce is spent by the first, whatever it was.
        if (Interlocked.Exchange(ref _answered, 1) != 0)
        {
            return Task.FromResult((409, "this approval was already answered"));
        }

        if (action == "decline")
        {
            _decision.TrySetException(new ApprovalException("approval_declined", "the approver declined on the approval page; nothing was signed or changed"));
            return Task.FromResult((200, "Declined. Nothing will be signed or changed."));
        }

        try
        {
            using var _ = JsonDocument.Parse(body);
            var verified = _verifier.Verify(body, PasskeyChallenge.For(_request.Binding, _nonce), _approvers);
            _decision.TrySetResult(new ApprovalGrant(_request.Binding, ApprovalGrant.ViaPasskey)
            {
                Approver = verified.Approver.Name,
                Assertion = new PasskeyAssertion(body, _nonce),
            });
            return Task.FromResult((200, string.Create(CultureInfo.InvariantCulture, $"Approved by {verified.Approver.Name}.")));
        }
#pragma warning disable CA1031 // Whatever the answer broke (a missing field, CBOR, crypto), the approval is refused at once, never left waiting.
        catch (Exception error)
#pragma warning restore CA1031
        {
            var refusal = error as ApprovalException ?? new ApprovalException(
                "approval_declined",
                error is JsonException ? "the answer is not JSON; nothing was signed or changed" : "the answer could not be checked; nothing was signed or changed");
            _decision.TrySetException(refusal);
            return Task.FromResult((403, "Refused: " + refusal.Message));
        }
    }
}
