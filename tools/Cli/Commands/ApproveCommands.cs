using System.CommandLine;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Output;
using HsmWallet.Cli.Vault;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Vault;

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
        var approve = new Command("approve", "Approve a pending request (shows what will be signed first); `approve list` and `approve deny ID`.") { id };
        approve.SetAction(parse => CommandRunner.ExecuteAudited(context, parse, AuditEventType.ApprovalGrant, () =>
        {
            var text = parse.GetValue(id) ?? throw new Core.InvalidInputException("ID", "is required (see hsmwallet approve list)");
            var store = Store(context, parse);
            var request = store.Get(text);
            Show(context, parse, request);
            return Describe(store.Approve(request.Id));
        }));
        approve.Subcommands.Add(List(context));
        approve.Subcommands.Add(Deny(context));
        return approve;
    }

    private static Command List(CliContext context)
    {
        var command = new Command("list", "List the requests waiting for the operator, with what each would sign.");
        command.SetAction(parse => CommandRunner.Execute(context, parse.GetValue(GlobalOptions.Json), () =>
        {
            var pending = new ApprovalStore(WalletHome.Open(parse.GetValue(GlobalOptions.Home))).ListPending();
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
        command.SetAction(parse => CommandRunner.ExecuteAudited(context, parse, AuditEventType.ApprovalDeny, () =>
        {
            var store = Store(context, parse);
            var request = store.Get(parse.GetValue(id)!);
            Show(context, parse, request);
            return Describe(store.Deny(request.Id));
        }));
        return command;
    }

    /// <summary>
    /// The home's approval store, after an unlock of its vault: only someone who can open the vault may answer
    /// a request, and the answer is audited with the key that unlock gives.
    /// </summary>
    private static ApprovalStore Store(CliContext context, ParseResult parse)
    {
        var access = VaultAccess.Open(context, parse);
        access.Audit.EnsureOpen(access.Unlock());
        return new ApprovalStore(access.Vault.Home);
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
