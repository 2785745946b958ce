using System.CommandLine;
using HsmWallet.Core.Ledger;

namespace HsmWallet.Cli.Ledger;

/// <summary>The ledger a command line names (--network or --rpc-url, else the environment, else testnet), resolved one way for every verb.</summary>
internal static class LedgerAccess
{
    /// <summary>A client for this command line's network (a verb that needs no vault: tx submit); the caller disposes it.</summary>
    public static LedgerClient OpenClient(ParseResult parse) => new(Vault.CliHome.Settings(parse).Network);
}
