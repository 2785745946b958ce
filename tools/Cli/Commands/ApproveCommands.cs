using System.CommandLine;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Input;
using HsmWallet.Cli.Output;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Audit;
using HsmWallet.Hosting.Application;

namespace HsmWallet.Cli.Commands;

/// <summary>
/// `hsmwallet approve list | ID | deny ID`: the operator's answer to a request the MCP server could not put to a
/// human itself. The same words the request was made with are shown before anything is decided; the agent can
/// only retry with the id, never approve it.
/// </summary>
internal static class ApproveCommands
{
    /// <summary>Builds `hsmwallet approve`.</summary>
    public static Command Create(CliContext context)
    {
        var id = new Argument<string>("ID") { Description = "The approval id the agent was given (apv_...).", Arity = ArgumentArity.ZeroOrOne };
        var yes = new Option<bool>("--yes") { Description = "Approve without the typed confirmation (scripts); needed when stdin is not a terminal." };
        var wait = new Option<int>("--wait") { Description = "Where approvals need a passkey: seconds to wait on the approval page (default 300).", DefaultValueFactory = _ => 300 };
        var approve = new Command("approve", "Approve a pending request: shows what will be signed, then asks you to type yes (or pass --yes); where approvals need a passkey, prints the approval page's address and waits for it; `approve list` and `approve deny ID` (also vetoes a delayed one).") { id, yes, wait };
        approve.SetAction(parse => CommandRunner.ExecuteAudited(context, parse, AuditEventType.ApprovalGrant, (app, _) =>
        {
            var text = parse.GetValue(id) ?? throw new Core.InvalidInputException("ID", "is required (see hsmwallet approve list)");
            var confirmed = parse.GetValue(yes);

            if (parse.GetValue(wait) is < 1 or > 3600)
            {
                throw new Core.InvalidInputException("--wait", "must be 1 to 3600 seconds");
            }

            // An agent can ask a person to "just run approve apv_...": without a terminal to confirm on, only an
            // explicit --yes approves, so nothing is approved by a pipe or a script by accident.
            if (!confirmed && !context.InputIsTerminal && !(app.ApprovalRules.Mode() == ApprovalMode.Passkey))
            {
                throw new Core.InvalidInputException("--yes", "is needed to approve when stdin is not a terminal (run it on a terminal to read the request and type yes); nothing was approved");
            }

            var store = Store(app);
            var request = store.Get(text);
            if (request.Quorum > 1 || app.ApprovalRules.Mode() == ApprovalMode.Passkey)
            {
                return OnPage(context, app, request, TimeSpan.FromSeconds(parse.GetValue(wait)));
            }

            if (confirmed)
            {
                Show(context, parse, request);
            }
            else
            {
                Confirm(context, request);
            }

            return Describe(store.Approve(request.Id));
        }));
        approve.Subcommands.Add(List(context));
        approve.Subcommands.Add(Deny(context));
        return approve;
    }

    private static Command List(CliContext context)
    {
        var command = new Command("list", "List the requests waiting for the operator, with what each would sign.");
        command.SetAction(parse => CommandRunner.Execute(context, parse, (app, _) =>
        {
            var pending = app.Approvals.ListPending();
            if (!parse.GetValue(GlobalOptions.Json))
            {
                foreach (var request in pending)
                {
                    Show(context, parse, request);
                }
            }

            return new JsonObject { ["pending"] = new JsonArray([.. pending.Select(request => (JsonNode)Describe(request))]) };
        }));
        return command;
    }

    private static Command Deny(CliContext context)
    {
        var id = new Argument<string>("ID") { Description = "The approval id to refuse." };
        var command = new Command("deny", "Refuse a pending request: nothing will be signed with it.") { id };
        command.SetAction(parse => CommandRunner.ExecuteAudited(context, parse, AuditEventType.ApprovalDeny, (app, _) =>
        {
            var store = Store(app);
            var request = store.Get(parse.GetValue(id)!);
            Show(context, parse, request);
            return Describe(store.Deny(request.Id));
        }));
        return command;
    }

    /// <summary>
    /// Where approvals need a passkey: serves the request's approval page (the operator's yes does not count), prints its
    /// address, and waits until the approvers answered or <paramref name="wait"/> passed; the agent then retries with the id.
    /// </summary>
    private static JsonObject OnPage(CliContext context, WalletApplication app, PendingApproval request, TimeSpan wait)
    {
        context.Error.WriteLine($"{request.Id} (expires {request.ExpiresAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}):");
        context.Error.Write(request.Summary.ToText());
        var page = new Hosting.Approvals.ApprovalPage(app.Approvals, request.Id, app.ApprovalRules, app.Freeze);
        try
        {
            page.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
            context.Error.WriteLine("This needs an approver's passkey. Open this address in a browser on this machine:");
            context.Error.WriteLine(page.Url.AbsoluteUri);
            context.Error.Flush();
            var state = Hosting.Approvals.PasskeyApprover.WaitForDecisionAsync(app.Approvals, request.Id, wait, CancellationToken.None).GetAwaiter().GetResult();
            return state == ApprovalState.Pending
                ? throw new CommandFailedException("approval_declined", $"not approved on the page in time: {request.Id} stays pending")
                : Describe(app.Approvals.Get(request.Id));
        }
        finally
        {
            page.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>
    /// The home's approval store, after an unlock of its vault: only someone who can open the vault may answer
    /// a request, and the answer is audited with the key that unlock gives.
    /// </summary>
    private static ApprovalStore Store(WalletApplication app)
    {
        app.OpenAudit();
        return app.Approvals;
    }

    /// <summary>
    /// Shows the whole request on stderr (even with --json: the person must see what they approve) and reads a
    /// typed "yes" from the terminal; anything else leaves the request pending.
    /// </summary>
    private static void Confirm(CliContext context, PendingApproval request)
    {
        context.Error.WriteLine($"{request.Id} (expires {request.ExpiresAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}):");
        context.Error.Write(request.Summary.ToText());
        if (!Confirmation.AskYes(context, "Type yes to approve exactly this request (anything else leaves it pending): "))
        {
            throw new CommandFailedException("approval_declined", $"not approved: {request.Id} stays pending (hsmwallet approve deny {request.Id} refuses it)");
        }
    }

    /// <summary>Prints the request's summary on stderr (stdout stays for the result), unless --json asked for one object.</summary>
    private static void Show(CliContext context, ParseResult parse, PendingApproval request)
    {
        if (!parse.GetValue(GlobalOptions.Json))
        {
            context.Error.WriteLine($"{request.Id} (expires {request.ExpiresAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}):");
            context.Error.Write(request.Summary.ToText());
        }
    }

    private static JsonObject Describe(PendingApproval request) => new()
    {
        ["id"] = request.Id,
        ["state"] = request.State.ToString().ToLowerInvariant(),
        ["expires_at"] = request.ExpiresAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        ["summary"] = request.Summary.ToJson(),
    };
}
