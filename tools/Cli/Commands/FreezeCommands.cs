using System.CommandLine;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Input;
using HsmWallet.Cli.Output;
using HsmWallet.Core.Approvals;

namespace HsmWallet.Cli.Commands;

/// <summary>
/// `hsmwallet freeze [--reason TEXT]` and `hsmwallet unfreeze [--yes] [--wait SECONDS]`: the operator's emergency
/// stop over every process on this home (a running hsmwallet-mcp included). Freezing writes the marker file at once
/// and the vault's record when the vault opens; lifting needs an enrolled approver's passkey when there is one, else a
/// typed yes (or --yes). The use cases audit both; no MCP tool can lift a freeze.
/// </summary>
internal static class FreezeCommands
{
    /// <summary>How long `unfreeze` waits for an approver's passkey unless --wait says otherwise.</summary>
    private const int DefaultWaitSeconds = 300;

    /// <summary>Builds `hsmwallet freeze`.</summary>
    public static Command Freeze(CliContext context)
    {
        var reason = new Option<string?>("--reason") { Description = "Why (shown to the agent and in the audit log): at most 200 visible characters." };
        var command = new Command("freeze", "Stop every signature and export at once, in every process on this home, until `hsmwallet unfreeze`.") { reason };
        command.SetAction(parse => CommandRunner.Execute(context, parse, (app, operation) =>
        {
            var outcome = app.Freeze.Freeze(parse.GetValue(reason), operation);
            if (!outcome.VaultRecorded)
            {
                context.Error.WriteLine($"hsmwallet: frozen by the marker file only: the vault could not record the freeze ({outcome.VaultProblem}); run hsmwallet freeze again once the vault opens, so that deleting the file cannot lift it");
            }

            return new JsonObject
            {
                ["frozen"] = new FreezeState(FreezeSide.Of(outcome.Record), FreezeSide.Absent).ToJson(),
                ["marker_recorded"] = true,
                ["vault_recorded"] = outcome.VaultRecorded,
                ["vault_problem"] = outcome.VaultProblem,
                ["audited"] = outcome.Audited,
            };
        }));
        return command;
    }

    /// <summary>Builds `hsmwallet unfreeze`.</summary>
    public static Command Unfreeze(CliContext context)
    {
        var yes = new Option<bool>("--yes") { Description = "Lift without the typed confirmation (only when no passkey approver is enrolled; an enrolled approver's passkey is always needed)." };
        var wait = new Option<int>("--wait") { Description = "Seconds to wait for an approver's passkey on the local page (default 300).", DefaultValueFactory = _ => DefaultWaitSeconds };
        var command = new Command("unfreeze", "Lift the freeze: with a passkey approver enrolled, prints a local page where an approver's passkey confirms; else asks for a typed yes.") { yes, wait };
        command.SetAction(parse => CommandRunner.Execute(context, parse, (app, operation) =>
        {
            var seconds = parse.GetValue(wait);
            if (seconds is < 1 or > 3600)
            {
                throw new Core.InvalidInputException("--wait", "must be 1 to 3600 seconds");
            }

            var outcome = app.Freeze.UnfreezeAsync(
                passkeyRequired => passkeyRequired
                    ? app.PasskeyApprover(
                        (url, _) =>
                        {
                            context.Error.WriteLine("A passkey approver is enrolled: open this address in a browser on this machine and approve with the passkey:");
                            context.Error.WriteLine(url.AbsoluteUri);
                            context.Error.Flush();
                            return Task.CompletedTask;
                        },
                        TimeSpan.FromSeconds(seconds))
                    : TerminalApprover.ForUnfreeze(context, parse.GetValue(yes)),
                operation).GetAwaiter().GetResult();
            return new JsonObject
            {
                ["lifted"] = outcome.Lifted,
                ["was"] = outcome.Before.ToJson(),
                ["approved_via"] = outcome.ApprovedVia,
                ["approver"] = outcome.Approver,
            };
        }));
        return command;
    }
}
