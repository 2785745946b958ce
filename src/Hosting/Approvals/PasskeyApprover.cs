using System.Globalization;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Signing;

namespace HsmWallet.Hosting.Approvals;

/// <summary>
/// Core's approver port answered by people's passkeys, waiting in place (the CLI, or an MCP client that opened the page
/// through URL-mode elicitation): the request is stored, an <see cref="ApprovalPage"/> serves it, its address reaches the
/// person (a browser opened, printed, or handed to the client), and the call waits, bounded by <see cref="Wait"/> and the
/// operation's cancellation, until enough approvers approved or someone declined. An agent cannot answer it: the grant
/// exists only when enrolled passkeys signed this binding, and Core verifies each again.
/// </summary>
public sealed class PasskeyApprover : IApprover
{
    /// <summary>How long a page waits for a decision unless the host says otherwise.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private readonly ApprovalStore _store;
    private readonly ApprovalRules _rules;
    private readonly Func<Uri, CancellationToken, Task> _showPage;
    private readonly Core.UseCases.FreezeUseCases? _freeze;

    /// <summary>Binds the request store, Core's rules (approvers and verifier), how a page's address reaches the person, the wait bound, and the freeze the page's button uses.</summary>
    public PasskeyApprover(ApprovalStore store, ApprovalRules rules, Func<Uri, CancellationToken, Task> showPage, TimeSpan? wait = null, Core.UseCases.FreezeUseCases? freeze = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(showPage);
        _store = store;
        _rules = rules;
        _showPage = showPage;
        _freeze = freeze;
        Wait = wait ?? DefaultWait;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Wait, TimeSpan.Zero);
    }

    /// <summary>The longest a request waits for the people.</summary>
    public TimeSpan Wait { get; }

    /// <inheritdoc />
    public async Task<ApprovalGrant> ApproveAsync(ApprovalRequest request, OperationContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (request.ApprovalId is { } approvalId)
        {
            return _store.Redeem(approvalId, request.Binding);
        }

        if (_rules.Approvers.List().Count == 0)
        {
            throw new ApprovalException("approval_declined", "no passkey approver is enrolled (`hsmwallet approver add NAME`); nothing was signed or changed");
        }

        var pending = _store.Create(request with { Delay = null }, Wait, "operator");
        return await AwaitOnPageAsync(_store, _rules, pending, request.Binding, _showPage, Wait, context.Cancellation, _freeze).ConfigureAwait(false);
    }

    /// <summary>
    /// Serves stored request <paramref name="pending"/> on a page shown with <paramref name="showPage"/> and waits, bounded by
    /// <paramref name="wait"/>, until it is approved (then redeems it for <paramref name="binding"/>) or declined (throws).
    /// </summary>
    public static async Task<ApprovalGrant> AwaitOnPageAsync(ApprovalStore store, ApprovalRules rules, PendingApproval pending, string binding, Func<Uri, CancellationToken, Task> showPage, TimeSpan wait, CancellationToken cancellationToken, Core.UseCases.FreezeUseCases? freeze = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(showPage);
        var page = new ApprovalPage(store, pending.Id, rules, freeze);
        await using (page.ConfigureAwait(false))
        {
            await page.StartAsync(cancellationToken).ConfigureAwait(false);
            await showPage(page.Url, cancellationToken).ConfigureAwait(false);
            var state = await WaitForDecisionAsync(store, pending.Id, wait, cancellationToken).ConfigureAwait(false);
            return state switch
            {
                ApprovalState.Approved => store.Redeem(pending.Id, binding),
                ApprovalState.Denied => throw new ApprovalException("approval_declined", "an approver declined on the approval page; nothing was signed or changed"),
                _ => throw TimedOut(store, pending.Id, wait),
            };
        }
    }

    /// <summary>
    /// Waits until stored request <paramref name="approvalId"/> leaves the pending state (read from the store, so a page in
    /// another process counts too) or <paramref name="wait"/> passes; returns where it stands (Pending when the wait ran out).
    /// </summary>
    public static async Task<ApprovalState> WaitForDecisionAsync(ApprovalStore store, string approvalId, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var deadline = DateTimeOffset.UtcNow + wait;
        while (true)
        {
            var state = store.Get(approvalId).State;
            if (state != ApprovalState.Pending || DateTimeOffset.UtcNow >= deadline)
            {
                return state;
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Enrols approver <paramref name="name"/> through an <see cref="EnrolmentPage"/> shown with <paramref name="showPage"/>,
    /// and stores it in the vault once the registration verified; bounded by <paramref name="wait"/> and <paramref name="cancellationToken"/>.
    /// </summary>
    public static async Task<EnrolledApprover> EnrolAsync(PasskeyApproverStore approvers, string name, Func<Uri, CancellationToken, Task> showPage, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approvers);
        ArgumentNullException.ThrowIfNull(showPage);
        var page = new EnrolmentPage(name, approvers.ListAll());
        await using (page.ConfigureAwait(false))
        {
            await page.StartAsync(cancellationToken).ConfigureAwait(false);
            await showPage(page.Url, cancellationToken).ConfigureAwait(false);
            EnrolledApprover approver;
            try
            {
                approver = await page.Enrolled.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new ApprovalException("invalid_input", "credential: no passkey was created on the enrolment page in time; nothing was enrolled");
            }

            approvers.Add(approver);
            return approver;
        }
    }

    private static ApprovalException TimedOut(ApprovalStore store, string approvalId, TimeSpan wait)
    {
        try
        {
            store.Deny(approvalId); // Nobody answered: the request can no longer be approved behind the caller's back.
        }
        catch (ApprovalException)
        {
            // Already decided or expired meanwhile: nothing to withdraw.
        }

        return new ApprovalException(
            "approval_declined",
            string.Create(CultureInfo.InvariantCulture, $"not enough approvers answered on the approval page within {wait.TotalMinutes:0.#} minutes; nothing was signed or changed"));
    }
}
