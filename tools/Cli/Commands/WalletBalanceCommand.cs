using System.CommandLine;
using HsmWallet.Cli.Output;

namespace HsmWallet.Cli.Commands;

/// <summary>`hsmwallet wallet balance`: what a vault wallet holds and can spend on the validated ledger (no key is touched).</summary>
internal static class WalletBalanceCommand
{
    /// <summary>Builds `hsmwallet wallet balance`.</summary>
    public static Command Create(CliContext context)
    {
        var wallet = new Option<string>("--wallet") { Description = "The wallet's name or address.", Required = true };
        var command = new Command("balance", "Print a wallet's balance, reserve, available amount, sequence and ledger index.") { wallet };
        command.SetAction(parse => CommandRunner.Execute(context, parse, (app, operation) =>
            app.BalanceAsync(parse.GetValue(wallet)!, operation.Cancellation).GetAwaiter().GetResult().ToJson()));
        return command;
    }
}
