using HsmWallet.Core;
using HsmWallet.Core.Ledger;

namespace HsmWallet.Hosting;

/// <summary>
/// The home and the network a host runs against, resolved once from its options and the environment,
/// so the CLI and the MCP server can never disagree on which vault or which chain they mean.
/// </summary>
/// <param name="HomePath">The wallet home folder (not yet created).</param>
/// <param name="Network">The ledger network: a named one, or a custom URL.</param>
public sealed record HostSettings(string HomePath, LedgerNetwork Network)
{
    /// <summary>The environment variable naming the default network.</summary>
    public const string NetworkVariable = "HSMWALLET_NETWORK";

    /// <summary>The environment variable naming a custom rippled URL.</summary>
    public const string RpcUrlVariable = "HSMWALLET_RPC_URL";

    /// <summary>The name policies and state files use for the network (mainnet, testnet, devnet, custom).</summary>
    public string NetworkName => Network.Name;

    /// <summary>
    /// Resolves --home, --network and --rpc-url, each falling back to its environment variable; testnet by
    /// default, mainnet only when named. Bad values throw <see cref="InvalidInputException"/> naming the option.
    /// </summary>
    public static HostSettings Resolve(string? homeOption, string? networkOption, string? rpcUrlOption, Func<string, string?>? getEnvironment = null)
    {
        getEnvironment ??= Environment.GetEnvironmentVariable;
        var home = WalletHomePath(homeOption, getEnvironment);
        var rpcUrl = !string.IsNullOrEmpty(rpcUrlOption) ? rpcUrlOption : getEnvironment(RpcUrlVariable);
        var networkName = !string.IsNullOrEmpty(networkOption) ? networkOption : getEnvironment(NetworkVariable);
        if (!string.IsNullOrEmpty(rpcUrl))
        {
            if (!Uri.TryCreate(rpcUrl, UriKind.Absolute, out var uri))
            {
                throw new InvalidInputException("--rpc-url", "must be an absolute http, https, ws or wss URL");
            }

            return new HostSettings(home, LedgerNetwork.Custom(uri));
        }

        if (string.IsNullOrEmpty(networkName))
        {
            return new HostSettings(home, LedgerNetwork.Testnet);
        }

        return networkName is "mainnet" or "testnet" or "devnet"
            ? new HostSettings(home, LedgerNetwork.Named(networkName))
            : throw new InvalidInputException("--network", "must be mainnet, testnet or devnet");
    }

    private static string WalletHomePath(string? homeOption, Func<string, string?> getEnvironment) =>
        HsmWallet.Core.Vault.WalletHome.ResolvePath(homeOption, getEnvironment);
}
