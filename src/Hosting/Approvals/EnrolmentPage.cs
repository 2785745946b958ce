using System.Text.Json;
using Fido2NetLib;
using HsmWallet.Core.Approvals;

namespace HsmWallet.Hosting.Approvals;

/// <summary>
/// The page on which a person enrols a passkey as approver NAME (`hsmwallet approver add NAME`): it asks the browser
/// to create a credential for relying party localhost with user verification, and the Fido2 library checks the
/// registration before the approver is returned for storing. One registration per page.
/// </summary>
public sealed class EnrolmentPage : LoopbackPage
{
    private readonly string _name;
    private readonly CredentialCreateOptions _options;
    private readonly TaskCompletionSource<EnrolledApprover> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _answered;

    /// <summary>A page enrolling <paramref name="name"/>, refusing the credentials in <paramref name="existing"/>.</summary>
    public EnrolmentPage(string name, IReadOnlyList<EnrolledApprover> existing)
    {
        PasskeyApproverStore.CheckName(name);
        _name = name;
        _options = Fido2Passkeys.EnrolmentOptions(name, existing);
    }

    /// <summary>The verified approver to store, or an <see cref="ApprovalException"/> when the registration does not verify.</summary>
    public Task<EnrolledApprover> Enrolled => _result.Task;

    /// <inheritdoc />
    protected override string Body(string scriptNonce)
    {
        var body = "<h1>Enrol a passkey approver</h1><p>Approver name: <code>" + Html(_name) + "</code></p>"
            + "<p>Your passkey will be asked to sign every approval of this wallet.</p><button id=\"enrol\">Create passkey</button>";
        var script = "const options=" + _options.ToJson() + ";const status=document.getElementById('status');"
            + "document.getElementById('enrol').addEventListener('click',async()=>{try{"
            + "const credential=await navigator.credentials.create({publicKey:PublicKeyCredential.parseCreationOptionsFromJSON(options)});"
            + "const r=await fetch(location.pathname+'/register',{method:'POST',headers:{'Content-Type':'application/json'},body:JSON.stringify(credential.toJSON())});"
            + "status.textContent=await r.text();}catch(e){status.textContent='Not enrolled: '+e.name;}});";
        return PageText.Frame("HsmWallet approver enrolment", body, script, scriptNonce);
    }

    /// <inheritdoc />
    protected override async Task<(int Status, string Text)> PostAsync(string action, string body, CancellationToken cancellationToken)
    {
        if (action != "register")
        {
            return (404, "not found");
        }

        if (Interlocked.Exchange(ref _answered, 1) != 0)
        {
            return (409, "this enrolment was already answered");
        }

        try
        {
            using var _ = JsonDocument.Parse(body);
            var approver = await Fido2Passkeys.CompleteEnrolmentAsync(_name, _options, body, Origin, cancellationToken).ConfigureAwait(false);
            _result.TrySetResult(approver);
            return (200, "Enrolled " + _name + ".");
        }
#pragma warning disable CA1031 // Whatever the answer broke, the enrolment is refused at once, never left waiting.
        catch (Exception error)
#pragma warning restore CA1031
        {
            var refusal = error as ApprovalException ?? new ApprovalException(
                "invalid_input",
                error is JsonException ? "credential: the answer is not JSON" : "credential: the answer could not be checked");
            _result.TrySetException(refusal);
            return (403, "Refused: " + refusal.Message);
        }
    }
}
