using System.Text.Json.Nodes;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Ledger;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Signing;
using HsmWallet.Core.Vault;

namespace HsmWallet.Core.UseCases;

/// <summary>
/// The transaction use cases both front ends call: check against the policy, sign (prepare, ask a human through the
/// approver port when the policy says so, sign on the one signing path) and submit. Which decision needs whom is
/// decided here and in the signing service only; a front end maps arguments in and the result out.
/// </summary>
public sealed class TransactionUseCases
{
    private readonly TransactionSigningService _signing;
    private readonly LedgerClient? _ledger;
    private readonly Func<UnlockOptions> _unlock;

    /// <summary>Binds the signing path, the ledger (null offline) and how each operation unlocks.</summary>
    public TransactionUseCases(TransactionSigningService signing, LedgerClient? ledger, Func<UnlockOptions> unlock, ApprovalRules? approvalRules = null)
    {
        ArgumentNullException.ThrowIfNull(signing);
        ArgumentNullException.ThrowIfNull(unlock);
        _signing = signing;
        _ledger = ledger;
        _unlock = unlock;
        ApprovalRules = approvalRules;
    }

    /// <summary>What a grant must be (the mode in force, verified passkeys, the quorum); without them only a form or operator grant counts.</summary>
    public ApprovalRules? ApprovalRules { get; }

    /// <summary>The policy's decision and reading for a transaction as it stands, without signing anything.</summary>
    public Task<PolicyDecision> CheckAsync(string wallet, JsonObject transaction, OperationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return _signing.CheckAsync(wallet, transaction, _unlock(), context.Cancellation, context.Agent);
    }

    /// <summary>
    /// Signs <paramref name="request"/>: prepared (autofill, the policy's reading), then, when the policy asks for a
    /// human or the caller presents <paramref name="approvalId"/>, a grant from the approver port bound in Core to
    /// exactly this signing data, then the one signing path. A policy that starts asking for a human between the two
    /// steps is asked once more. Nothing is signed after <see cref="OperationContext.Cancellation"/> fires.
    /// </summary>
    public async Task<SignedTransaction> SignAsync(SigningRequest request, string? approvalId, IApprover approver, OperationContext context)
    {
        ArgumentNullException.ThrowIfNull(approver);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        // The agent's section comes from the caller's authenticated identity only, whatever the request carried.
        request = request with { Agent = context.Agent };
        var unlock = _unlock();
        var prepared = await _signing.PrepareAsync(request, unlock, context.Cancellation).ConfigureAwait(false);
        // A frozen wallet refuses before anyone is asked to approve what could not be signed anyway.
        _signing.RefuseIfFrozen(prepared, context);
        ApprovalGrant? grant = null;
        if (approvalId is not null || prepared.Decision.Kind is PolicyDecisionKind.Approve or PolicyDecisionKind.Delay)
        {
            grant = await AskAsync(approver, prepared, approvalId, context).ConfigureAwait(false);
        }

        context.Cancellation.ThrowIfCancellationRequested();
        SigningResult signed;
        try
        {
            signed = _signing.Sign(prepared, unlock, grant, context);
        }
        catch (ApprovalRequiredException) when (grant is null)
        {
            // The policy changed between preparing and signing: ask now, then sign once more.
            grant = await AskAsync(approver, prepared, null, context).ConfigureAwait(false);
            context.Cancellation.ThrowIfCancellationRequested();
            signed = _signing.Sign(prepared, unlock, grant, context);
        }

        return new SignedTransaction(signed, prepared.Warnings);
    }

    /// <summary>Submits a signed blob and (when <paramref name="wait"/>) waits for validation or expiry.</summary>
    public Task<SubmissionResult> SubmitAsync(string txBlob, bool wait, CancellationToken cancellationToken) =>
        new TransactionSubmitter(_ledger ?? throw new InvalidInputException("network", "submitting needs a ledger connection (network or rpc_url)"))
            .SubmitAsync(txBlob, wait, cancellationToken);

    private async Task<ApprovalGrant> AskAsync(IApprover approver, PreparedSigning prepared, string? approvalId, OperationContext context)
    {
        try
        {
            var request = new ApprovalRequest("tx_sign", prepared.ApprovalBinding, prepared.Summary, approvalId)
            {
                Quorum = prepared.Decision.Kind == PolicyDecisionKind.Approve ? prepared.Decision.Quorum : 1,
                Delay = prepared.Decision.Delay,
            };
            return await ApprovalGate.RequireAsync(approver, request, context, ApprovalRules).ConfigureAwait(false);
        }
        catch (ApprovalException error) when (error.Code == "approval_declined")
        {
            // A human (or the lack of one) said no: the refusal is on record like any other, before the caller hears it.
            _signing.RecordRefusal(prepared, context, "approval_declined");
            throw;
        }
    }
}
