using System.CommandLine;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Output;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Audit;
using HsmWallet.Hosting.Approvals;

namespace HsmWallet.Cli.Commands;

/// <summary>
/// `hsmwallet approver add NAME | list | remove NAME`: the people whose passkeys approve operations. Enrolment
/// serves a one-time page on 127.0.0.1 (opened as http://localhost:PORT/...) where the browser creates the passkey;
/// the Fido2 library checks the registration and the public key is stored in the vault's authenticated settings.
/// Every verb unlocks the vault, so only someone who can open it changes who may approve.
/// </summary>
internal static class ApproverCommands
{
    /// <summary>How long `approver add` waits for the passkey to be created unless --wait says otherwise.</summary>
    private const int DefaultWaitSeconds = 300;

    /// <summary>Builds `hsmwallet approver`.</summary>
    public static Command Create(CliContext context)
    {
        var approver = new Command("approver", "Enrol, list or remove the passkeys that approve operations (see docs/approvals.md).");
        approver.Subcommands.Add(Add(context));
        approver.Subcommands.Add(List(context));
        approver.Subcommands.Add(Remove(context));
        approver.Subcommands.Add(Mode(context));
        return approver;
    }

    private static Command Mode(CliContext context)
    {
        var mode = new Argument<string>("MODE") { Description = "form, operator or passkey; omit to show the mode in force.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("mode", "Show or set the weakest approval mode any host may use (passkey once an approver is enrolled, unless set weaker here on purpose).") { mode };
        command.SetAction(parse =>
        {
            if (parse.GetValue(mode) is not { } text)
            {
                return CommandRunner.Execute(context, parse, (app, _) => new JsonObject { ["mode"] = ApprovalModes.Name(app.Approvers.Mode()) });
            }

            return CommandRunner.ExecuteAudited(context, parse, AuditEventType.ConfigChange, (app, _) =>
            {
                var chosen = ApprovalModes.Parse(text, "MODE");
                app.Approvers.SetMode(chosen);
                return new JsonObject { ["mode"] = ApprovalModes.Name(chosen) };
            });
        });
        return command;
    }

    private static Command Add(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The approver's name: 1 to 32 letters, digits, '.', '_' or '-'." };
        var wait = new Option<int>("--wait") { Description = "Seconds to wait for the passkey to be created (default 300).", DefaultValueFactory = _ => DefaultWaitSeconds };
        var command = new Command("add", "Enrol a passkey: prints a local address to open in a browser on this machine, where you create the passkey.") { name, wait };
        command.SetAction(parse => CommandRunner.ExecuteAudited(context, parse, AuditEventType.ConfigChange, (app, _) =>
        {
            var seconds = parse.GetValue(wait);
            if (seconds is < 1 or > 3600)
            {
                throw new Core.InvalidInputException("--wait", "must be 1 to 3600 seconds");
            }

            var store = app.Approvers;
            var enrolled = PasskeyApprover.EnrolAsync(
                store,
                parse.GetValue(name)!,
                (url, _) =>
                {
                    context.Error.WriteLine("Open this address in a browser on this machine and create the passkey:");
                    context.Error.WriteLine(url.AbsoluteUri);
                    context.Error.Flush();
                    return Task.CompletedTask;
                },
                TimeSpan.FromSeconds(seconds),
                CancellationToken.None).GetAwaiter().GetResult();
            return Describe(enrolled);
        }));
        return command;
    }

    private static Command List(CliContext context)
    {
        var command = new Command("list", "List the enrolled approvers (names and credential ids; public data only).");
        command.SetAction(parse => CommandRunner.Execute(context, parse, (app, _) =>
            new JsonObject { ["approvers"] = new JsonArray([.. app.Approvers.List().Select(approver => (JsonNode)Describe(approver))]) }));
        return command;
    }

    private static Command Remove(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The approver to remove." };
        var command = new Command("remove", "Remove an enrolled approver: its passkey no longer approves anything.") { name };
        command.SetAction(parse => CommandRunner.ExecuteAudited(context, parse, AuditEventType.ConfigChange, (app, _) =>
        {
            var removed = parse.GetValue(name)!;
            app.Approvers.Remove(removed, keepOne: false);
            return new JsonObject { ["removed"] = removed };
        }));
        return command;
    }

    private static JsonObject Describe(EnrolledApprover approver) => new()
    {
        ["name"] = approver.Name,
        ["credential_id"] = approver.CredentialId,
        ["sign_count"] = approver.SignCount,
    };
}
