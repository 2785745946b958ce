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
    /// default, mainnet only when named; --network with --rpc-url is a node of that network (its rules apply, and its
    /// server must report its id). Bad values throw <see cref="InvalidInputException"/> naming the field (home, network, rpc_url); each front end names its own flag.
    /// </summary>
    public static HostSettings Resolve(string? homeOption, string? networkOption, string? rpcUrlOption, Func<string, string?>? getEnvironment = null)
    {
        getEnvironment ??= Environment.GetEnvironmentVariable;
        var home = WalletHomePath(homeOption, getEnvironment);
        var rpcUrl = !string.IsNullOrEmpty(rpcUrlOption) ? rpcUrlOption : getEnvironment(RpcUrlVariable);
        var networkName = !string.IsNullOrEmpty(networkOption) ? networkOption : getEnvironment(NetworkVariable);
        if (!string.IsNullOrEmpty(networkName) && networkName is not ("mainnet" or "testnet" or "devnet"))
        {
            throw new InvalidInputException("network", "must be mainnet, testnet or devnet");
        }

        if (!string.IsNullOrEmpty(rpcUrl))
        {
            if (!Uri.TryCreate(rpcUrl, UriKind.Absolute, out var uri))
            {
                throw new InvalidInputException("rpc_url", "must be an absolute http, https, ws or wss URL");
            }

            // A node of a named network keeps that network's policy; its server must then report that network's id.
            return new HostSettings(home, string.IsNullOrEmpty(networkName) ? LedgerNetwork.Custom(uri) : LedgerNetwork.CustomOf(networkName, uri));
        }

        return new HostSettings(home, string.IsNullOrEmpty(networkName) ? LedgerNetwork.Testnet : LedgerNetwork.Named(networkName));
    }

    private static string WalletHomePath(string? homeOption, Func<string, string?> getEnvironment) =>
        HsmWallet.Core.Vault.WalletHome.ResolvePath(homeOption, getEnvironment);
}
