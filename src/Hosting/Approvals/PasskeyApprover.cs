using System.Globalization;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Signing;

namespace HsmWallet.Hosting.Approvals;

/// <summary>
/// Core's approver port answered by a person's passkey: for each request it serves an <see cref="ApprovalPage"/>,
/// shows its address (opens a browser, prints it, or hands it to the MCP client), and waits, bounded by
/// <see cref="Wait"/> and the operation's cancellation, for the approver's decision. An agent cannot answer it: the
/// grant exists only when an enrolled passkey signed this binding, and Core verifies that again.
/// </summary>
public sealed class PasskeyApprover : IApprover
{
    /// <summary>How long a page waits for a decision unless the host says otherwise.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromMinutes(5);

    private readonly PasskeyApproverStore _approvers;
    private readonly IApprovalAssertionVerifier _verifier;
    private readonly Func<Uri, CancellationToken, Task> _showPage;

    /// <summary>Binds the enrolled approvers, the verifier, how a page's address reaches the person, and the wait bound.</summary>
    public PasskeyApprover(PasskeyApproverStore approvers, IApprovalAssertionVerifier verifier, Func<Uri, CancellationToken, Task> showPage, TimeSpan? wait = null)
    {
        ArgumentNullException.ThrowIfNull(approvers);
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(showPage);
        _approvers = approvers;
        _verifier = verifier;
        _showPage = showPage;
        Wait = wait ?? DefaultWait;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Wait, TimeSpan.Zero);
    }

    /// <summary>The longest a request waits for the person.</summary>
    public TimeSpan Wait { get; }

    /// <inheritdoc />
    public async Task<ApprovalGrant> ApproveAsync(ApprovalRequest request, OperationContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var approvers = _approvers.List();
        if (approvers.Count == 0)
        {
            throw new ApprovalException("approval_declined", "no passkey approver is enrolled (`hsmwallet approver add NAME`); nothing was signed or changed");
        }

        var page = new ApprovalPage(request, approvers, _verifier);
        await using (page.ConfigureAwait(false))
        {
            await page.StartAsync(context.Cancellation).ConfigureAwait(false);
            await _showPage(page.Url, context.Cancellation).ConfigureAwait(false);
            try
            {
                return await page.Decision.WaitAsync(Wait, context.Cancellation).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new ApprovalException(
                    "approval_declined",
                    string.Create(CultureInfo.InvariantCulture, $"no approver answered on the approval page within {Wait.TotalMinutes:0.#} minutes; nothing was signed or changed"));
            }
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
        var page = new EnrolmentPage(name, approvers.List());
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
}
