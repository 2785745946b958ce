namespace HsmWallet.Core.Ledger;

/// <summary>
/// Where a network's servers are and which NetworkID its transactions carry, so the wallet can fail
/// over between public endpoints and never sign for the wrong chain.
/// </summary>
/// <param name="Name">The name the policy and the state files use (mainnet, testnet, devnet, custom).</param>
/// <param name="NetworkId">The network id, or null when it must be read from server_info (custom URLs).</param>
/// <param name="JsonRpcEndpoints">HTTP(S) JSON-RPC endpoints, tried in order.</param>
/// <param name="WebSocketEndpoints">WS(S) endpoints for following ledger closes, tried in order.</param>
public sealed record LedgerNetwork(string Name, uint? NetworkId, IReadOnlyList<Uri> JsonRpcEndpoints, IReadOnlyList<Uri> WebSocketEndpoints)
{
    /// <summary>Transactions on networks with an id above this must carry NetworkID; below, they must not.</summary>
    public const uint NetworkIdRequiredAbove = 1024;

    /// <summary>The XRP Ledger mainnet (network id 0).</summary>
    public static LedgerNetwork Mainnet { get; } = new(
        "mainnet",
        0,
        [new Uri("https://xrplcluster.com/"), new Uri("https://s1.ripple.com:51234/"), new Uri("https://s2.ripple.com:51234/")],
        [new Uri("wss://xrplcluster.com/"), new Uri("wss://s1.ripple.com/"), new Uri("wss://s2.ripple.com/")]);

    /// <summary>The public testnet (network id 1).</summary>
    public static LedgerNetwork Testnet { get; } = new(
        "testnet",
        1,
        [new Uri("https://s.altnet.rippletest.net:51234/"), new Uri("https://testnet.xrpl-labs.com/")],
        [new Uri("wss://s.altnet.rippletest.net:51233/"), new Uri("wss://testnet.xrpl-labs.com/")])
    {
        FaucetUri = new Uri("https://faucet.altnet.rippletest.net/accounts"),
    };

    /// <summary>The public devnet (network id 2).</summary>
    public static LedgerNetwork Devnet { get; } = new(
        "devnet",
        2,
        [new Uri("https://s.devnet.rippletest.net:51234/")],
        [new Uri("wss://s.devnet.rippletest.net:51233/")])
    {
        FaucetUri = new Uri("https://faucet.devnet.rippletest.net/accounts"),
    };

    /// <summary>Whether transactions for this network must carry a NetworkID field.</summary>
    public bool RequiresNetworkIdField => NetworkId > NetworkIdRequiredAbove;

    /// <summary>
    /// For an operator's URL that claims a named network (a private node of testnet, say): the id its server must
    /// report, so a URL that points at another chain is refused instead of signed for under the wrong policy.
    /// </summary>
    public uint? ExpectedNetworkId { get; init; }

    /// <summary>
    /// The test network's faucet (an HTTP POST of {"destination"} funds that account with test XRP), or null where none
    /// is known: mainnet never has one, and an operator's URL only has its named test network's.
    /// </summary>
    public Uri? FaucetUri { get; init; }

    /// <summary>Whether this is the real-value network: by name, or by the id it has or must have (0).</summary>
    public bool IsMainnet => Name == "mainnet" || NetworkId == 0 || ExpectedNetworkId == 0;

    /// <summary>
    /// A server at the operator's URL that belongs to the named network <paramref name="name"/>: that network's name
    /// (so its policy and state apply), the URL's endpoints, and its id checked against what the server reports.
    /// </summary>
    public static LedgerNetwork CustomOf(string name, Uri jsonRpc, Uri? webSocket = null)
    {
        var named = Named(name);
        return Custom(jsonRpc, webSocket) with { Name = named.Name, ExpectedNetworkId = named.NetworkId, FaucetUri = named.FaucetUri };
    }

    /// <summary>
    /// A network named by the operator's URL (--rpc-url): http(s) for JSON-RPC, or ws(s), which then
    /// carries both the requests and the ledger stream. Its id comes from server_info.
    /// </summary>
    public static LedgerNetwork Custom(Uri jsonRpc, Uri? webSocket = null)
    {
        ArgumentNullException.ThrowIfNull(jsonRpc);
        if (jsonRpc.Scheme is "ws" or "wss")
        {
            return new LedgerNetwork("custom", null, [jsonRpc], [webSocket ?? jsonRpc]);
        }

        if (jsonRpc.Scheme is not "http" and not "https")
        {
            throw new InvalidInputException("rpc-url", "must be an http, https, ws or wss URL");
        }

        if (webSocket is not null && webSocket.Scheme is not "ws" and not "wss")
        {
            throw new InvalidInputException("rpc-url", "WebSocket endpoint must be ws or wss");
        }

        return new LedgerNetwork("custom", null, [jsonRpc], webSocket is null ? [] : [webSocket]);
    }

    /// <summary>The built-in network of that name; throws naming the field for any other.</summary>
    public static LedgerNetwork Named(string name) => name switch
    {
        "mainnet" => Mainnet,
        "testnet" => Testnet,
        "devnet" => Devnet,
        _ => throw new InvalidInputException("network", "must be mainnet, testnet or devnet"),
    };
}
