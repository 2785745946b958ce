using System.CommandLine;
using HsmWallet.Cli.Ledger;
using HsmWallet.Cli.Output;
using HsmWallet.Cli.Vault;
using HsmWallet.Core.Ledger;
using HsmWallet.Core.Signing;

namespace HsmWallet.Cli.Commands;

/// <summary>`hsmwallet wallet balance`: what a vault wallet holds and can spend on the validated ledger (no key is touched).</summary>
internal static class WalletBalanceCommand
{
    /// <summary>Builds `hsmwallet wallet balance`.</summary>
    public static Command Create(CliContext context)
    {
        var wallet = new Option<string>("--wallet") { Description = "The wallet's name or address.", Required = true };
        var command = new Command("balance", "Print a wallet's balance, reserve, available amount, sequence and ledger index.") { wallet };
        command.SetAction(parse => CommandRunner.Execute(context, parse.GetValue(GlobalOptions.Json), () =>
        {
            var access = VaultAccess.Open(context, parse);
            var info = new WalletDirectory(access.Vault).Resolve(parse.GetValue(wallet)!, access.Unlock());
            using var client = LedgerAccess.OpenClient(parse);
            return AccountBalance.ReadAsync(client, WalletDirectory.AccountOf(info), CancellationToken.None).GetAwaiter().GetResult().ToJson();
        }));
        return command;
    }
}
