using System.CommandLine;
using HsmWallet.Cli.Output;

namespace HsmWallet.Cli.Commands;

/// <summary>
/// `hsmwallet state reseal`: the operator's recovery when signing is denied because a state file (policy counters,
/// signing state) or the audit log was deleted, edited or replaced by an older copy. Only after checking the home.
/// </summary>
internal static class StateCommands
{
    /// <summary>Builds `hsmwallet state`.</summary>
    public static Command Create(CliContext context)
    {
        var state = new Command("state", "The sealed state files that the policy limits and Sequence reservations depend on.");
        var reseal = new Command(
            "reseal",
            "After checking the home by hand: accept the audit log as it is and seal the state files again at their current content (a missing one starts empty).");
        reseal.SetAction(parse => CommandRunner.Execute(context, parse, (app, operation) =>
        {
            // Not audited by the command: its "started" entry would be refused by the very log it repairs. The use case
            // appends its own entry once the vault has recorded the log as it is.
            var result = app.ResealState(operation);
            context.Error.WriteLine("hsmwallet: state files sealed again and recorded in the audit log; restart a running hsmwallet-mcp so it reads the new record");
            return new CommandOutput(result);
        }));
        state.Subcommands.Add(reseal);
        return state;
    }
}
