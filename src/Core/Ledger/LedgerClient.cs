using System.Globalization;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Addresses;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace HsmWallet.Core.Ledger;

/// <summary>
/// Speaks rippled's JSON-RPC: one method per call the wallet needs, failover across a network's
/// endpoints, a timeout per attempt and retries with backoff on transport errors only (a ledger
/// error is an answer, not a fault, and is never retried). Errors surface as <see cref="LedgerException"/>.
/// </summary>
public sealed class LedgerClient : IDisposable
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");
    /// <summary>
    /// The smallest page asked for: rippled raises a smaller limit to its own minimum (10 for lines and objects, 20 for
    /// NFTs), so asking for less would get more than asked; an answer longer than the limit is refused.
    /// </summary>
    public const int MinPageLimit = 20;

    /// <summary>The largest page asked for (rippled's own maximum for a public client).</summary>
    public const int MaxPageLimit = 400;

    /// <summary>The object types account_objects can be filtered by, as rippled names them.</summary>
    public static IReadOnlyList<string> ObjectTypes { get; } =
        ["offer", "escrow", "check", "payment_channel", "nft_offer", "ticket", "deposit_preauth", "signer_list", "state", "did"];

    /// <summary>Whether <paramref name="marker"/> has the shape of the page markers the account reads return (hex, digits, commas).</summary>
    public static bool IsPageMarker(string? marker) => AccountReads.IsMarker(marker);

    // Made at the first request, not with the client: the MCP server opens one at start and an offline server never
    // asks the ledger anything (both cost about 7 ms of a native AOT start, docs/performance.md).
    private readonly Lazy<HttpClient> _http;
    private readonly Lazy<ResiliencePipeline> _pipeline;
    private readonly LedgerClientOptions _options;
    private uint? _networkId;

    /// <summary>Creates a client for <paramref name="network"/>; <paramref name="handler"/> is for tests only.</summary>
    public LedgerClient(LedgerNetwork network, LedgerClientOptions? options = null, TimeProvider? time = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network.JsonRpcEndpoints.Count == 0)
        {
            throw new InvalidInputException("network", "needs at least one JSON-RPC endpoint");
        }

        Network = network;
        _options = options ?? new LedgerClientOptions();
        Time = time ?? TimeProvider.System;
        _networkId = network.NetworkId;
        _http = new Lazy<HttpClient>(() =>
        {
            var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
            http.Timeout = Timeout.InfiniteTimeSpan;
            return http;
        });
        _pipeline = new Lazy<ResiliencePipeline>(() => new ResiliencePipelineBuilder { TimeProvider = Time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>().Handle<TimeoutRejectedException>().Handle<IOException>().Handle<WebSocketException>(),
                MaxRetryAttempts = Math.Max(1, _options.MaxRetries),
                BackoffType = DelayBackoffType.Exponential,
                Delay = _options.RetryDelay,
                UseJitter = true,
            })
            .AddTimeout(_options.RequestTimeout)
            .Build());
    }

    /// <summary>The network this client talks to.</summary>
    public LedgerNetwork Network { get; }

    /// <summary>The options in force (the submitter reads the wait settings).</summary>
    public LedgerClientOptions Options => _options;

    /// <summary>The clock used for timeouts, backoff and waiting.</summary>
    public TimeProvider Time { get; }

    /// <summary>
    /// Sends one JSON-RPC request and returns its result object; a ledger error becomes a
    /// <see cref="LedgerException"/> with the ledger's code.
    /// </summary>
    public async Task<JsonObject> RequestAsync(string method, JsonObject? parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(method);
        var body = new JsonObject { ["method"] = method, ["params"] = new JsonArray(parameters?.DeepClone() ?? new JsonObject()) }.ToJsonString();
        var attempt = 0;
        JsonObject result;
        try
        {
            result = await _pipeline.Value.ExecuteAsync(
                async token =>
                {
                    var endpoint = Network.JsonRpcEndpoints[attempt++ % Network.JsonRpcEndpoints.Count];
                    return endpoint.Scheme is "ws" or "wss"
                        ? await WebSocketRequestAsync(endpoint, method, parameters, token).ConfigureAwait(false)
                        : await PostAsync(endpoint, body, token).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException exception)
        {
            throw new LedgerException("timeout", $"no endpoint of {Network.Name} answered {method} in time", exception);
        }
        catch (HttpRequestException exception)
        {
            throw new LedgerException("transport", $"no endpoint of {Network.Name} could be reached for {method}", exception);
        }
        catch (IOException exception)
        {
            throw new LedgerException("transport", $"the connection to {Network.Name} broke during {method}", exception);
        }
        catch (WebSocketException exception)
        {
            throw new LedgerException("transport", $"no endpoint of {Network.Name} could be reached for {method}", exception);
        }

        if (result["status"]?.GetValue<string>() == "error" || result["error"] is not null)
        {
            var code = result["error"]?.GetValue<string>() ?? "unknown";
            var message = result["error_message"]?.GetValue<string>() ?? result["error_exception"]?.GetValue<string>() ?? code;
            throw new LedgerException(code, message);
        }

        return result;
    }

    /// <summary>server_info: the server's state and the network id.</summary>
    public Task<JsonObject> ServerInfoAsync(CancellationToken cancellationToken) => RequestAsync("server_info", null, cancellationToken);

    /// <summary>The network id: the built-in one, or the server's for a custom URL (asked once).</summary>
    public async Task<uint> NetworkIdAsync(CancellationToken cancellationToken)
    {
        if (_networkId is uint known)
        {
            return known;
        }

        var info = await ServerInfoAsync(cancellationToken).ConfigureAwait(false);
        var id = info["info"]?["network_id"] is JsonNode node ? ReadUInt(node, "network_id") : 0;
        if (Network.ExpectedNetworkId is uint expected && id != expected)
        {
            throw new LedgerException("wrongNetwork", $"the server reports network id {id}, but {Network.Name} is network id {expected}: nothing is signed for the wrong chain");
        }

        _networkId = id;
        return id;
    }

    /// <summary>fee: the base fee and the fee that gets into the open ledger now.</summary>
    public async Task<FeeInfo> FeeAsync(CancellationToken cancellationToken)
    {
        var result = await RequestAsync("fee", null, cancellationToken).ConfigureAwait(false);
        var drops = result["drops"] ?? throw new LedgerException("badResponse", "fee answer has no drops");
        return new FeeInfo(
            ReadULong(drops["base_fee"], "drops.base_fee"),
            ReadULong(drops["open_ledger_fee"], "drops.open_ledger_fee"),
            ReadUInt(result["ledger_current_index"], "ledger_current_index"));
    }

    /// <summary>ledger_current: the index of the open ledger.</summary>
    public async Task<uint> LedgerCurrentIndexAsync(CancellationToken cancellationToken)
    {
        var result = await RequestAsync("ledger_current", null, cancellationToken).ConfigureAwait(false);
        return ReadUInt(result["ledger_current_index"], "ledger_current_index");
    }

    /// <summary>ledger: one ledger's header ("validated", "closed", "current" or an index).</summary>
    public Task<JsonObject> LedgerAsync(string ledgerIndex, CancellationToken cancellationToken) =>
        RequestAsync("ledger", new JsonObject { ["ledger_index"] = LedgerIndexNode(ledgerIndex) }, cancellationToken);

    /// <summary>account_info: balance and next Sequence ("current" or "validated" ledger).</summary>
    public async Task<AccountInfo> AccountInfoAsync(AccountId account, string ledgerIndex, CancellationToken cancellationToken)
    {
        var result = await RequestAsync(
            "account_info",
            new JsonObject { ["account"] = account.ToClassicAddress(), ["ledger_index"] = LedgerIndexNode(ledgerIndex) },
            cancellationToken).ConfigureAwait(false);
        var data = result["account_data"] ?? throw new LedgerException("badResponse", "account_info answer has no account_data");
        var index = result["ledger_current_index"] ?? result["ledger_index"];
        return new AccountInfo(
            account,
            ReadULong(data["Balance"], "account_data.Balance"),
            ReadUInt(data["Sequence"], "account_data.Sequence"),
            ReadUInt(index, "ledger_index"),
            result);
    }

    /// <summary>account_lines: one page of the account's trust lines from the validated ledger, every field checked.</summary>
    public async Task<AccountLinesPage> AccountLinesAsync(AccountId account, int limit, string? marker, CancellationToken cancellationToken)
    {
        var result = await RequestAsync("account_lines", AccountReads.PageParameters(account, limit, marker, MinPageLimit), cancellationToken).ConfigureAwait(false);
        return AccountReads.Lines(result, limit);
    }

    /// <summary>
    /// account_objects: one page of the objects the account owns in the validated ledger (offers, escrows, checks,
    /// channels...), optionally of one <paramref name="type"/> as rippled names it ("offer", "escrow"...), checked by kind.
    /// </summary>
    public async Task<AccountObjectsPage> AccountObjectsAsync(AccountId account, string? type, int limit, string? marker, CancellationToken cancellationToken)
    {
        var parameters = AccountReads.PageParameters(account, limit, marker, MinPageLimit);
        if (type is not null)
        {
            parameters["type"] = ObjectTypes.Contains(type) ? type : throw new InvalidInputException("type", "must be " + string.Join(", ", ObjectTypes));
        }

        var result = await RequestAsync("account_objects", parameters, cancellationToken).ConfigureAwait(false);
        return AccountReads.Objects(result, limit);
    }

    /// <summary>account_nfts: one page of the NFTs the account holds in the validated ledger, every field checked.</summary>
    public async Task<AccountNftsPage> AccountNftsAsync(AccountId account, int limit, string? marker, CancellationToken cancellationToken)
    {
        var result = await RequestAsync("account_nfts", AccountReads.PageParameters(account, limit, marker, MinPageLimit), cancellationToken).ConfigureAwait(false);
        return AccountReads.Nfts(result, limit);
    }

    /// <summary>account_tx: one page of the account's validated transactions, newest first.</summary>
    public async Task<AccountTransactionsPage> AccountTransactionsAsync(AccountId account, int limit, JsonNode? marker, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 400)
        {
            throw new InvalidInputException("limit", "must be from 1 to 400");
        }

        var parameters = new JsonObject { ["account"] = account.ToClassicAddress(), ["limit"] = limit, ["ledger_index_min"] = -1, ["ledger_index_max"] = -1 };
        if (marker is not null)
        {
            parameters["marker"] = marker.DeepClone();
        }

        var result = await RequestAsync("account_tx", parameters, cancellationToken).ConfigureAwait(false);
        var transactions = result["transactions"] as JsonArray ?? [];
        return new AccountTransactionsPage((JsonArray)transactions.DeepClone(), result["marker"]?.DeepClone());
    }

    /// <summary>submit: sends a signed blob; the answer is preliminary.</summary>
    public async Task<SubmitResult> SubmitAsync(string txBlob, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(txBlob);
        var result = await RequestAsync("submit", new JsonObject { ["tx_blob"] = txBlob }, cancellationToken).ConfigureAwait(false);
        return new SubmitResult(
            result["engine_result"]?.GetValue<string>() ?? throw new LedgerException("badResponse", "submit answer has no engine_result"),
            result["engine_result_message"]?.GetValue<string>() ?? string.Empty,
            result["tx_json"]?["hash"]?.GetValue<string>() ?? string.Empty,
            result);
    }

    /// <summary>tx: one transaction by hash; throws LedgerException "txnNotFound" when the server has not seen it.</summary>
    public Task<JsonObject> TransactionAsync(string hash, CancellationToken cancellationToken) =>
        RequestAsync("tx", new JsonObject { ["transaction"] = hash, ["binary"] = false }, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_http.IsValueCreated)
        {
            _http.Value.Dispose();
        }
    }

    internal static uint ReadUInt(JsonNode? node, string field) =>
        uint.TryParse(node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : node?.ToJsonString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new LedgerException("badResponse", field + " is missing or not a whole number");

    internal static ulong ReadULong(JsonNode? node, string field) =>
        ulong.TryParse(node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : node?.ToJsonString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new LedgerException("badResponse", field + " is missing or not a whole number");

    private static JsonValue LedgerIndexNode(string ledgerIndex) =>
        uint.TryParse(ledgerIndex, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? JsonValue.Create(index) : JsonValue.Create(ledgerIndex);

    /// <summary>
    /// The same request over rippled's WebSocket API (for ws:// and wss:// URLs): one connection per
    /// request, answered by the response carrying our id. Errors come back at the top level there.
    /// </summary>
    private async Task<JsonObject> WebSocketRequestAsync(Uri endpoint, string method, JsonObject? parameters, CancellationToken cancellationToken)
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
        var request = (JsonObject?)parameters?.DeepClone() ?? new JsonObject();
        request["id"] = 1;
        request["command"] = method;
        await socket.SendAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                throw new WebSocketException("the server closed the connection before answering");
            }

            message.Write(buffer, 0, received.Count);
            if (message.Length > _options.MaxResponseBytes)
            {
                throw new LedgerException("badResponse", "the answer is larger than the client accepts");
            }

            if (!received.EndOfMessage)
            {
                continue;
            }

            JsonObject answer;
            try
            {
                answer = JsonNode.Parse(message.ToArray()) as JsonObject ?? throw new LedgerException("badResponse", "the answer is not a JSON object");
            }
            catch (JsonException exception)
            {
                throw new LedgerException("badResponse", "the answer is not JSON", exception);
            }

            message.SetLength(0);
            if (answer["type"]?.GetValue<string>() != "response" || answer["id"]?.ToJsonString() != "1")
            {
                continue;
            }

            try
            {
                using var close = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, close.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
            {
                // The answer is in hand; a clean close is a courtesy.
            }

            return answer["result"] as JsonObject ?? answer;
        }
    }

    private async Task<JsonObject> PostAsync(Uri endpoint, string body, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = JsonType;
        using var response = await _http.Value.PostAsync(endpoint, content, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode >= 500 || response.StatusCode == System.Net.HttpStatusCode.TooManyRequests)
        {
            throw new HttpRequestException("server answered " + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), null, response.StatusCode);
        }

        if (response.Content.Headers.ContentLength > _options.MaxResponseBytes)
        {
            throw new LedgerException("badResponse", "the answer is larger than the client accepts");
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (text.Length > _options.MaxResponseBytes)
        {
            throw new LedgerException("badResponse", "the answer is larger than the client accepts");
        }

        try
        {
            var root = JsonNode.Parse(text) as JsonObject;
            return root?["result"] as JsonObject ?? throw new LedgerException("badResponse", "the answer has no result object");
        }
        catch (JsonException exception)
        {
            throw new LedgerException("badResponse", "the answer is not JSON", exception);
        }
    }
}
