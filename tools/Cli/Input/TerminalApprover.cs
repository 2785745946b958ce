using HsmWallet.Core.Approvals;
using HsmWallet.Core.Signing;

namespace HsmWallet.Cli.Input;

/// <summary>
/// The CLI's side of Core's approver port: the operator is the human. A flag (--approve, --yes) approves in advance;
/// else on a terminal the summary Core wrote is shown on stderr and a typed "yes" approves; else the request is
/// refused naming the flag. Core binds the grant to its own data; this only says who decided and how.
/// </summary>
internal sealed class TerminalApprover : IApprover
{
    private readonly CliContext _context;
    private readonly bool _approvedInAdvance;
    private readonly bool _canAsk;
    private readonly string _question;
    private readonly Func<ApprovalException> _unavailable;
    private readonly Func<ApprovalException> _declined;

    private TerminalApprover(CliContext context, bool approvedInAdvance, bool canAsk, string question, Func<ApprovalException> unavailable, Func<ApprovalException> declined)
    {
        _context = context;
        _approvedInAdvance = approvedInAdvance;
        _canAsk = canAsk && context.InputIsTerminal;
        _question = question;
        _unavailable = unavailable;
        _declined = declined;
    }

    /// <summary>
    /// For `tx sign`: --approve approves in advance what the policy sends to a human; without it the operator is asked
    /// on a terminal (not when stdin held the transaction), else signing is refused (approval_declined).
    /// </summary>
    public static TerminalApprover ForSigning(CliContext context, bool approve, bool stdinHeldTheTransaction) => new(
        context,
        approve,
        !stdinHeldTheTransaction,
        "The policy asks a human to approve this. Type yes to sign: ",
        () => new ApprovalException("approval_declined", "the policy asks a human to approve this transaction: run it on a terminal to confirm, or pass --approve"),
        () => new ApprovalException("approval_declined", "not approved: nothing was signed"));

    /// <summary>For `wallet delete`: --yes approves; else the operator confirms on a terminal; a script must say --yes (exit 2).</summary>
    public static TerminalApprover ForDelete(CliContext context, bool yes) => new(
        context,
        yes,
        true,
        "Delete this wallet and its secret for good? Type yes: ",
        () => new ApprovalException("invalid_input", "--yes: is needed to delete a wallet when stdin is not a terminal"),
        () => new ApprovalException("approval_declined", "not deleted: the deletion was not confirmed (or pass --yes)"));

    /// <summary>For `wallet export`: --yes approves; else the operator confirms on a terminal; a script must say --yes (exit 2).</summary>
    public static TerminalApprover ForExport(CliContext context, bool yes) => new(
        context,
        yes,
        true,
        "Write this backup? Type yes: ",
        () => new ApprovalException("invalid_input", "--yes: is needed to export a wallet when stdin is not a terminal"),
        () => new ApprovalException("approval_declined", "not exported: the export was not confirmed (or pass --yes)"));

    /// <summary>
    /// Where approvals need a passkey (the mode in force, or a quorum), this approver serves <paramref name="app"/>'s approval
    /// page instead, prints its address on stderr and waits for the approvers; the flags and a typed yes do not count there.
    /// </summary>
    public TerminalApprover WithPasskeys(Hosting.Application.WalletApplication app)
    {
        _app = app;
        return this;
    }

    private Hosting.Application.WalletApplication? _app;

    /// <summary>For `unfreeze` with no passkey approver enrolled: --yes lifts; else the operator confirms on a terminal; a script must say --yes (exit 2).</summary>
    public static TerminalApprover ForUnfreeze(CliContext context, bool yes) => new(
        context,
        yes,
        true,
        "Lift the freeze, so signatures and exports start again? Type yes: ",
        () => new ApprovalException("invalid_input", "--yes: is needed to lift a freeze when stdin is not a terminal"),
        () => new ApprovalException("approval_declined", "not lifted: the unfreeze was not confirmed (or pass --yes)"));

    /// <inheritdoc />
    public Task<ApprovalGrant> ApproveAsync(ApprovalRequest request, OperationContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (_app is { } app && request.ApprovalId is null && (request.Quorum > 1 || app.ApprovalRules.Mode() == ApprovalMode.Passkey))
        {
            return app.PasskeyApprover(ShowPage).ApproveAsync(request, context);
        }

        if (request.ApprovalId is not null)
        {
            // The CLI never presents a pending approval's id: the operator answers those with `hsmwallet approve`.
            throw new ApprovalException("invalid_input", "approval_id: the CLI approves with its flag or on the terminal");
        }

        if (_approvedInAdvance)
        {
            return Task.FromResult(new ApprovalGrant(request.Binding, "operator"));
        }

        if (!_canAsk)
        {
            throw _unavailable();
        }

        _context.Error.Write(request.Summary.ToText());
        return Confirmation.AskYes(_context, _question)
            ? Task.FromResult(new ApprovalGrant(request.Binding, "operator"))
            : throw _declined();
    }

    private Task ShowPage(Uri url, CancellationToken cancellationToken)
    {
        _context.Error.WriteLine("Approvals here need an approver's passkey. Open this address in a browser on this machine:");
        _context.Error.WriteLine(url.AbsoluteUri);
        _context.Error.Flush();
        return Task.CompletedTask;
    }
}
