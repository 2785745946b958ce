using System.CommandLine;
using HsmWallet.Core.Ledger;
using HsmWallet.Hosting;

namespace HsmWallet.Cli.Ledger;

/// <summary>The ledger a command line names (--network or --rpc-url, else the environment, else testnet), resolved one way for every verb.</summary>
internal static class LedgerAccess
{
    /// <summary>The home and network of this command line.</summary>
    public static HostSettings Settings(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return HostSettings.Resolve(parse.GetValue(GlobalOptions.Home), parse.GetValue(GlobalOptions.Network), parse.GetValue(GlobalOptions.RpcUrl));
    }

    /// <summary>A client for that network; the caller disposes it.</summary>
    public static LedgerClient OpenClient(ParseResult parse) => new(Settings(parse).Network);
}
