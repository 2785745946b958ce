using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Core.Ledger;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Codec;
using HsmWallet.Core.Xrpl.Hashing;
using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.Core.Tests.Fixtures;

/// <summary>
/// A loopback stand-in for rippled: JSON-RPC and a WebSocket "ledger" stream on 127.0.0.1, with
/// rippled's response shapes, ledgers that close on a timer (or by hand), and submit checks that
/// decode the blob, verify its signature and check Sequence, fee and LastLedgerSequence against
/// the stand-in's own account state.
/// </summary>
public sealed class RippledStandIn : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<AccountId, (ulong Balance, uint Sequence)> _accounts = [];
    private Dictionary<AccountId, (ulong Balance, uint Sequence)> _validatedAccounts = [];
    private readonly List<(string Hash, JsonObject Tx, JsonObject Meta)> _open = [];
    private readonly List<(string Hash, JsonObject Tx, string Blob)> _held = [];
    private readonly Dictionary<string, (JsonObject Tx, JsonObject Meta, uint LedgerIndex)> _validated = new(StringComparer.Ordinal);
    private readonly List<(WebSocket Socket, SemaphoreSlim Send)> _subscribers = [];
    private readonly List<Task> _tasks = [];
    private readonly Dictionary<AccountId, List<JsonObject>> _lines = [];
    private readonly Dictionary<AccountId, List<JsonObject>> _objects = [];
    private readonly Dictionary<AccountId, List<JsonObject>> _nfts = [];

    private readonly Dictionary<LedgerFault, int> _faultCounts = [];
    private int _httpRequests;
    private int _restarts;

    private RippledStandIn(int port)
    {
        Port = port;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
    }

    /// <summary>The port the stand-in listens on.</summary>
    public int Port { get; }

    /// <summary>The JSON-RPC endpoint.</summary>
    public Uri HttpUri => new($"http://127.0.0.1:{Port}/");

    /// <summary>The WebSocket endpoint.</summary>
    public Uri WebSocketUri => new($"ws://127.0.0.1:{Port}/");

    /// <summary>The network id server_info reports.</summary>
    public uint NetworkId { get; set; } = 1;

    /// <summary>The fee the open ledger asks for, in drops (raise it to test telINSUF_FEE_P).</summary>
    public ulong OpenLedgerFee { get; set; } = 10;

    /// <summary>The index of the open ledger.</summary>
    public uint CurrentLedgerIndex { get; private set; } = 1000;

    /// <summary>Ledger objects ledger_entry answers by index (uppercase hex), as the validated ledger holds them.</summary>
    public Dictionary<string, JsonObject> LedgerObjects { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether ledger_entry is answered at all (false: unknownCmd, as a server without the method).</summary>
    public bool LedgerEntrySupported { get; set; } = true;

    /// <summary>How many ledger_entry requests arrived.</summary>
    public int LedgerEntryCount { get; private set; }

    /// <summary>How many submits arrived.</summary>
    public int SubmitCount { get; private set; }

    /// <summary>How many HTTP requests of any kind arrived (JSON-RPC and faucet).</summary>
    public int HttpRequestCount => Volatile.Read(ref _httpRequests);

    /// <summary>How many faucet requests arrived.</summary>
    public int FaucetRequestCount { get; private set; }

    /// <summary>What the faucet sends each time, in drops (100 XRP, as the public test faucets).</summary>
    public ulong FaucetDrops { get; set; } = 100_000_000;

    /// <summary>The faucet endpoint (POST {"destination"}), as the public test networks' faucets.</summary>
    public Uri FaucetUri => new($"http://127.0.0.1:{Port}/accounts");

    /// <summary>The largest page account_lines, account_objects and account_nfts return whatever the limit asked (0: no cap).</summary>
    public int MaxPage { get; set; }

    /// <summary>When true, account_lines, account_objects and account_nfts ignore the limit and send every entry (a misbehaving server).</summary>
    public bool IgnorePageLimit { get; set; }

    /// <summary>The HTTP status the faucet answers with (429: busy, as the public faucets when asked too often).</summary>
    public int FaucetStatus { get; set; } = 200;

    /// <summary>When set, the faucet's answer names this address instead of the one asked for (a confused or hostile faucet).</summary>
    public string? FaucetAnswerAddress { get; set; }

    /// <summary>How many account_lines, account_objects and account_nfts requests arrived.</summary>
    public int AccountReadCount { get; private set; }

    /// <summary>
    /// Decides, for each JSON-RPC request, whether the stand-in misbehaves (null: it always answers well); the soak
    /// test's failing ledger. Called once per request, from the request's task.
    /// </summary>
    public Func<LedgerFault>? Faults { get; set; }

    /// <summary>How long a <see cref="LedgerFault.Slow"/> answer waits before it is sent.</summary>
    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many restarts (<see cref="RestartAsync"/>) the stand-in went through.</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    /// <summary>How many requests were answered with each fault, by fault.</summary>
    public IReadOnlyDictionary<LedgerFault, int> FaultCounts
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<LedgerFault, int>(_faultCounts);
            }
        }
    }

    /// <summary>
    /// Stops listening (requests in flight fail, WebSockets break, new connections are refused) for
    /// <paramref name="downtime"/>, then listens again on the same port with the same ledger state, as a rippled
    /// restart seen from a client.
    /// </summary>
    public async Task RestartAsync(TimeSpan downtime)
    {
        Interlocked.Increment(ref _restarts);
        _listener.Stop();
        DropWebSockets();
        await Task.Delay(downtime, _stop.Token).ConfigureAwait(false);
        _listener.Start();
        var accept = Task.Run(AcceptLoopAsync);
        lock (_gate)
        {
            _tasks.Add(accept);
        }
    }

    /// <summary>Starts the stand-in on a free loopback port; with an interval, ledgers close on a timer.</summary>
    public static RippledStandIn Start(TimeSpan? closeInterval = null)
    {
        // A free port can be taken by another process between the probe and the bind: try a few.
        RippledStandIn standIn;
        for (var attempt = 1; ; attempt++)
        {
            standIn = new RippledStandIn(FreePort());
            try
            {
                standIn._listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                standIn._listener.Close();
            }
        }

        standIn._tasks.Add(Task.Run(standIn.AcceptLoopAsync));
        if (closeInterval is TimeSpan interval)
        {
            standIn._tasks.Add(Task.Run(() => standIn.CloseLoopAsync(interval)));
        }

        return standIn;
    }

    /// <summary>A free loopback port (nothing listens on it once this returns).</summary>
    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>A network whose only endpoints are this stand-in's.</summary>
    public LedgerNetwork Network(uint? networkId = 1, bool webSocket = true) =>
        new("testnet", networkId, [HttpUri], webSocket ? [WebSocketUri] : []) { FaucetUri = FaucetUri };

    /// <summary>Adds a trust line of <paramref name="account"/> in account_lines' shape (account, currency, balance, limit...).</summary>
    public void AddTrustLine(AccountId account, JsonObject line) => Add(_lines, account, line);

    /// <summary>Adds an object <paramref name="account"/> owns, in the ledger's shape (LedgerEntryType, index, fields).</summary>
    public void AddObject(AccountId account, JsonObject ledgerObject) => Add(_objects, account, ledgerObject);

    /// <summary>Adds an NFT <paramref name="account"/> holds, in account_nfts' shape (NFTokenID, Issuer, URI...).</summary>
    public void AddNft(AccountId account, JsonObject token) => Add(_nfts, account, token);

    /// <summary>Creates or tops up an account in the open and validated state.</summary>
    public void Fund(AccountId account, ulong drops, uint sequence = 1)
    {
        lock (_gate)
        {
            _accounts[account] = (drops, sequence);
            _validatedAccounts[account] = (drops, sequence);
        }
    }

    /// <summary>The account's next Sequence in the open ledger.</summary>
    public uint SequenceOf(AccountId account)
    {
        lock (_gate)
        {
            return _accounts[account].Sequence;
        }
    }

    /// <summary>The account's balance in the open ledger.</summary>
    public ulong BalanceOf(AccountId account)
    {
        lock (_gate)
        {
            return _accounts.TryGetValue(account, out var state) ? state.Balance : 0;
        }
    }

    /// <summary>Closes (and validates) the open ledger now, then tells every subscriber.</summary>
    public void CloseLedger()
    {
        uint closed;
        int count;
        lock (_gate)
        {
            closed = CurrentLedgerIndex;
            foreach (var (hash, tx, meta) in _open)
            {
                _validated[hash] = (tx, meta, closed);
            }

            count = _open.Count;
            _open.Clear();
            _validatedAccounts = new Dictionary<AccountId, (ulong, uint)>(_accounts);
            CurrentLedgerIndex++;
            foreach (var held in _held.ToArray())
            {
                var account = AccountId.ParseClassic(held.Tx["Account"]!.GetValue<string>(), "Account");
                var lastLedger = held.Tx["LastLedgerSequence"]?.GetValue<uint>();
                if (lastLedger < CurrentLedgerIndex)
                {
                    _held.Remove(held);
                }
                else if (held.Tx["Sequence"]!.GetValue<uint>() == _accounts[account].Sequence)
                {
                    _held.Remove(held);
                    Apply(held.Hash, held.Tx);
                }
            }
        }

        var message = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["type"] = "ledgerClosed",
            ["ledger_index"] = closed,
            ["ledger_hash"] = new string('A', 64),
            ["ledger_time"] = 0,
            ["fee_base"] = 10,
            ["reserve_base"] = 1_000_000,
            ["reserve_inc"] = 200_000,
            ["txn_count"] = count,
            ["validated_ledgers"] = "1-" + closed.ToString(CultureInfo.InvariantCulture),
        }.ToJsonString());
        (WebSocket, SemaphoreSlim)[] subscribers;
        lock (_gate)
        {
            subscribers = [.. _subscribers];
        }

        foreach (var (socket, send) in subscribers)
        {
            _ = SendAsync(socket, send, message);
        }
    }

    /// <summary>Breaks every WebSocket connection, as a server restart would.</summary>
    public void DropWebSockets()
    {
        lock (_gate)
        {
            foreach (var (socket, _) in _subscribers)
            {
                socket.Abort();
            }

            _subscribers.Clear();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await Task.WhenAll(_tasks).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception exception) when (exception is OperationCanceledException or HttpListenerException or ObjectDisposedException or TimeoutException)
        {
        }

        try
        {
            _listener.Close();
        }
        catch (HttpListenerException)
        {
            // Closing after Stop looks the port up again; if another process took it meanwhile the lookup fails.
            // The listener is already stopped, so nothing is left open.
        }

        _stop.Dispose();
    }

    private static async Task SendAsync(WebSocket socket, SemaphoreSlim send, byte[] message)
    {
        await send.WaitAsync();
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                await socket.SendAsync(message, WebSocketMessageType.Text, true, CancellationToken.None);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException)
        {
        }
        finally
        {
            send.Release();
        }
    }

    private async Task CloseLoopAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                CloseLedger();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var task = Task.Run(() => context.Request.IsWebSocketRequest ? ServeWebSocketAsync(context) : ServeHttpAsync(context));
            lock (_gate)
            {
                // A long run (the soak test) serves many thousand requests: only the ones still running are kept.
                if (_tasks.Count > 1000)
                {
                    _tasks.RemoveAll(done => done.IsCompleted);
                }

                _tasks.Add(task);
            }
        }
    }

    private async Task ServeHttpAsync(HttpListenerContext context)
    {
        Interlocked.Increment(ref _httpRequests);
        try
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var text = await reader.ReadToEndAsync();
            if (context.Request.Url?.AbsolutePath == "/accounts")
            {
                await ServeFaucetAsync(context, text);
                return;
            }

            if (ParseRequest(text) is not { } request)
            {
                // A body cut short (the client gave up mid-request, or a stop) or not JSON: rippled answers 400.
                context.Response.StatusCode = 400;
                context.Response.Close();
                return;
            }

            var method = request["method"]!.GetValue<string>();
            var parameters = request["params"]?[0] as JsonObject ?? new JsonObject();
            var fault = Faults?.Invoke() ?? LedgerFault.None;
            if (fault != LedgerFault.None)
            {
                lock (_gate)
                {
                    _faultCounts[fault] = _faultCounts.GetValueOrDefault(fault) + 1;
                }
            }

            switch (fault)
            {
                case LedgerFault.Drop:
                    context.Response.Abort();
                    return;
                case LedgerFault.ServerError:
                    context.Response.StatusCode = 503;
                    context.Response.Close();
                    return;
                case LedgerFault.Slow:
                    await Task.Delay(SlowDelay, _stop.Token);
                    break;
            }

            var result = fault == LedgerFault.Error
                ? Error("tooBusy", "The server is too busy to help you now.")
                : Answer(method, parameters);
            var body = Encoding.UTF8.GetBytes(new JsonObject { ["result"] = result }.ToJsonString());
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
        catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or IOException or OperationCanceledException or InvalidOperationException)
        {
            // A restart or a stop in the middle of an answer: the client sees a broken connection.
        }
    }

    private static JsonObject? ParseRequest(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task ServeWebSocketAsync(HttpListenerContext context)
    {
        HttpListenerWebSocketContext webSocket;
        try
        {
            webSocket = await context.AcceptWebSocketAsync(null);
        }
        catch (Exception exception) when (exception is WebSocketException or HttpListenerException or ObjectDisposedException)
        {
            return;
        }

        using var socket = webSocket.WebSocket;
        using var send = new SemaphoreSlim(1, 1);
        var buffer = new byte[64 * 1024];
        try
        {
            while (!_stop.IsCancellationRequested && socket.State == WebSocketState.Open)
            {
                var received = await socket.ReceiveAsync(buffer, _stop.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                var request = JsonNode.Parse(buffer.AsSpan(0, received.Count))!.AsObject();
                var command = request["command"]!.GetValue<string>();
                JsonObject response;
                if (command == "subscribe")
                {
                    lock (_gate)
                    {
                        _subscribers.Add((socket, send));
                    }

                    response = new JsonObject { ["ledger_index"] = CurrentLedgerIndex - 1, ["fee_base"] = 10 };
                }
                else
                {
                    response = Answer(command, request);
                }

                JsonObject answer;
                if (response["error"] is not null)
                {
                    answer = (JsonObject)response.DeepClone();
                    answer["id"] = request["id"]?.DeepClone();
                    answer["type"] = "response";
                    answer["request"] = request.DeepClone();
                }
                else
                {
                    response.Remove("status");
                    answer = new JsonObject { ["id"] = request["id"]?.DeepClone(), ["result"] = response, ["status"] = "success", ["type"] = "response" };
                }

                await SendAsync(socket, send, Encoding.UTF8.GetBytes(answer.ToJsonString()));
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            lock (_gate)
            {
                _subscribers.RemoveAll(item => item.Socket == socket);
            }
        }
    }

    private JsonObject Answer(string method, JsonObject parameters)
    {
        lock (_gate)
        {
            var result = method switch
            {
                "server_info" => new JsonObject
                {
                    ["info"] = new JsonObject
                    {
                        ["build_version"] = "stand-in",
                        ["network_id"] = NetworkId,
                        ["server_state"] = "full",
                        ["validated_ledger"] = new JsonObject { ["seq"] = CurrentLedgerIndex - 1, ["base_fee_xrp"] = 0.00001, ["reserve_base_xrp"] = 1, ["reserve_inc_xrp"] = 0.2 },
                    },
                },
                "fee" => new JsonObject
                {
                    ["current_ledger_size"] = "0",
                    ["drops"] = new JsonObject
                    {
                        ["base_fee"] = "10",
                        ["median_fee"] = "5000",
                        ["minimum_fee"] = "10",
                        ["open_ledger_fee"] = OpenLedgerFee.ToString(CultureInfo.InvariantCulture),
                    },
                    ["ledger_current_index"] = CurrentLedgerIndex,
                },
                "ledger_current" => new JsonObject { ["ledger_current_index"] = CurrentLedgerIndex },
                "ledger" => new JsonObject
                {
                    ["ledger"] = new JsonObject { ["ledger_index"] = (CurrentLedgerIndex - 1).ToString(CultureInfo.InvariantCulture), ["closed"] = true },
                    ["ledger_index"] = CurrentLedgerIndex - 1,
                    ["validated"] = true,
                },
                "account_info" => AccountInfo(parameters),
                "account_lines" => Page(_lines, parameters, "lines", _ => true),
                "account_objects" => Page(_objects, parameters, "account_objects", ObjectFilter(parameters["type"]?.GetValue<string>())),
                "account_nfts" => Page(_nfts, parameters, "account_nfts", _ => true),
                "account_tx" => AccountTransactions(parameters),
                "submit" => Submit(parameters["tx_blob"]!.GetValue<string>()),
                "tx" => Transaction(parameters["transaction"]!.GetValue<string>()),
                "ledger_entry" when LedgerEntrySupported => LedgerEntry(parameters),
                _ => Error("unknownCmd", "Unknown method."),
            };
            result.TryAdd("status", "success");
            return result;
        }
    }

    private static void Add(Dictionary<AccountId, List<JsonObject>> table, AccountId account, JsonObject entry)
    {
        lock (table)
        {
            if (!table.TryGetValue(account, out var list))
            {
                table[account] = list = [];
            }

            list.Add((JsonObject)entry.DeepClone());
        }
    }

    private static Func<JsonObject, bool> ObjectFilter(string? type)
    {
        var entryType = type switch
        {
            null => null,
            "offer" => "Offer",
            "escrow" => "Escrow",
            "check" => "Check",
            "payment_channel" => "PayChannel",
            "nft_offer" => "NFTokenOffer",
            "ticket" => "Ticket",
            "deposit_preauth" => "DepositPreauth",
            "signer_list" => "SignerList",
            "state" => "RippleState",
            "did" => "DID",
            _ => "unknown",
        };
        return entry => entryType is null || entry["LedgerEntryType"]?.GetValue<string>() == entryType;
    }

    /// <summary>One page as rippled pages: the validated ledger's entries, a limit raised to rippled's minimum, a string marker.</summary>
    private JsonObject Page(Dictionary<AccountId, List<JsonObject>> table, JsonObject parameters, string name, Func<JsonObject, bool> filter)
    {
        AccountReadCount++;
        var account = AccountId.ParseClassic(parameters["account"]!.GetValue<string>(), "account");
        if (!_validatedAccounts.ContainsKey(account))
        {
            return Error("actNotFound", "Account not found.");
        }

        List<JsonObject> all;
        lock (table)
        {
            all = table.TryGetValue(account, out var list) ? [.. list.Where(filter)] : [];
        }

        var limit = Math.Clamp(parameters["limit"]?.GetValue<int>() ?? 200, name == "account_nfts" ? 20 : 10, 400);
        if (MaxPage > 0)
        {
            limit = Math.Min(limit, MaxPage);
        }

        if (IgnorePageLimit)
        {
            limit = Math.Max(all.Count, 1);
        }

        var offset = 0;
        if (parameters["marker"]?.GetValue<string>() is { } marker)
        {
            var parts = marker.Split(',');
            if (parts.Length != 2 || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out offset) || offset < 0 || offset > all.Count)
            {
                return Error("invalidParams", "Invalid field 'marker'.");
            }
        }

        var result = new JsonObject
        {
            ["account"] = account.ToClassicAddress(),
            [name] = new JsonArray([.. all.Skip(offset).Take(limit).Select(entry => (JsonNode)entry.DeepClone())]),
            ["ledger_index"] = CurrentLedgerIndex - 1,
            ["validated"] = true,
            ["limit"] = limit,
        };
        if (offset + limit < all.Count)
        {
            result["marker"] = string.Create(CultureInfo.InvariantCulture, $"{offset + limit:X16},{offset + limit}");
        }

        return result;
    }

    private async Task ServeFaucetAsync(HttpListenerContext context, string text)
    {
        JsonObject answer;
        var status = 200;
        try
        {
            var destination = JsonNode.Parse(text)!["destination"]!.GetValue<string>();
            var account = AccountId.ParseClassic(destination, "destination");
            ulong sent;
            lock (_gate)
            {
                FaucetRequestCount++;
                if (FaucetStatus != 200)
                {
                    throw new InvalidOperationException("the faucet is told to refuse");
                }

                sent = FaucetDrops;
                var balance = _accounts.TryGetValue(account, out var state) ? state.Balance : 0;
                var sequence = _accounts.TryGetValue(account, out state) ? state.Sequence : CurrentLedgerIndex;
                _accounts[account] = (balance + sent, sequence);
            }

            // The funding payment validates with the next ledger, as on the real test networks.
            answer = new JsonObject
            {
                ["account"] = new JsonObject { ["classicAddress"] = FaucetAnswerAddress ?? destination, ["address"] = FaucetAnswerAddress ?? destination },
                ["amount"] = sent / 1_000_000m,
                ["transactionHash"] = Convert.ToHexString(System.Security.Cryptography.SHA512.HashData(Encoding.UTF8.GetBytes(destination + FaucetRequestCount))[..32]),
            };
        }
        catch (Exception exception) when (exception is System.Text.Json.JsonException or NullReferenceException or InvalidOperationException or InvalidInputException)
        {
            status = FaucetStatus != 200 ? FaucetStatus : 400;
            answer = new JsonObject { ["error"] = "Invalid destination" };
        }

        var body = Encoding.UTF8.GetBytes(answer.ToJsonString());
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength64 = body.Length;
        await context.Response.OutputStream.WriteAsync(body);
        context.Response.Close();
    }

    private JsonObject LedgerEntry(JsonObject parameters)
    {
        LedgerEntryCount++;
        if (parameters["account_root"]?.GetValue<string>() is { } address)
        {
            var account = AccountId.ParseClassic(address, "account_root");
            return _validatedAccounts.TryGetValue(account, out var state)
                ? new JsonObject
                {
                    ["index"] = "ROOT" + address,
                    ["ledger_index"] = CurrentLedgerIndex - 1,
                    ["validated"] = true,
                    ["node"] = new JsonObject
                    {
                        ["LedgerEntryType"] = "AccountRoot",
                        ["Account"] = address,
                        ["Balance"] = state.Balance.ToString(CultureInfo.InvariantCulture),
                        ["Sequence"] = state.Sequence,
                    },
                }
                : Error("entryNotFound", "Entry not found.");
        }

        var index = parameters["index"]?.GetValue<string>();
        if (index is null || !LedgerObjects.TryGetValue(index, out var node))
        {
            return Error("entryNotFound", "Entry not found.");
        }

        var answer = (JsonObject)node.DeepClone();
        answer.TryAdd("index", index.ToUpperInvariant());
        return new JsonObject { ["index"] = index.ToUpperInvariant(), ["ledger_index"] = CurrentLedgerIndex - 1, ["validated"] = true, ["node"] = answer };
    }

    private static JsonObject Error(string code, string message) =>
        new() { ["error"] = code, ["error_message"] = message, ["status"] = "error" };

    private JsonObject AccountInfo(JsonObject parameters)
    {
        var account = AccountId.ParseClassic(parameters["account"]!.GetValue<string>(), "account");
        var validated = parameters["ledger_index"]?.GetValue<string>() == "validated";
        var source = validated ? _validatedAccounts : _accounts;
        if (!source.TryGetValue(account, out var state))
        {
            return Error("actNotFound", "Account not found.");
        }

        var result = new JsonObject
        {
            ["account_data"] = new JsonObject
            {
                ["Account"] = account.ToClassicAddress(),
                ["Balance"] = state.Balance.ToString(CultureInfo.InvariantCulture),
                ["Sequence"] = state.Sequence,
                ["LedgerEntryType"] = "AccountRoot",
                ["OwnerCount"] = 0,
            },
            ["validated"] = validated,
        };
        result[validated ? "ledger_index" : "ledger_current_index"] = validated ? CurrentLedgerIndex - 1 : CurrentLedgerIndex;
        return result;
    }

    private JsonObject AccountTransactions(JsonObject parameters)
    {
        var account = parameters["account"]!.GetValue<string>();
        var limit = parameters["limit"]?.GetValue<int>() ?? 200;
        var offset = parameters["marker"]?["seq"]?.GetValue<int>() ?? 0;
        var all = _validated.Values
            .Where(entry => entry.Tx["Account"]?.GetValue<string>() == account || entry.Tx["Destination"]?.GetValue<string>() == account)
            .OrderByDescending(entry => entry.LedgerIndex)
            .ThenByDescending(entry => entry.Tx["Sequence"]!.GetValue<uint>())
            .ToList();
        var page = new JsonArray(all.Skip(offset).Take(limit)
            .Select(entry => (JsonNode?)new JsonObject { ["tx"] = entry.Tx.DeepClone(), ["meta"] = entry.Meta.DeepClone(), ["validated"] = true })
            .ToArray());
        var result = new JsonObject { ["account"] = account, ["transactions"] = page, ["limit"] = limit };
        if (offset + limit < all.Count)
        {
            result["marker"] = new JsonObject { ["ledger"] = 0, ["seq"] = offset + limit };
        }

        return result;
    }

    private JsonObject Transaction(string hash)
    {
        if (_validated.TryGetValue(hash, out var found))
        {
            var result = (JsonObject)found.Tx.DeepClone();
            result["hash"] = hash;
            result["meta"] = found.Meta.DeepClone();
            result["ledger_index"] = found.LedgerIndex;
            result["validated"] = true;
            return result;
        }

        if (_open.Any(entry => entry.Hash == hash) || _held.Any(entry => entry.Hash == hash))
        {
            return new JsonObject { ["hash"] = hash, ["validated"] = false };
        }

        return Error("txnNotFound", "Transaction not found.");
    }

    private JsonObject Submit(string blob)
    {
        SubmitCount++;
        byte[] bytes;
        JsonObject tx;
        try
        {
            bytes = Convert.FromHexString(blob);
            tx = XrplBinaryCodec.Decode(bytes);
        }
        catch (Exception exception) when (exception is FormatException or InvalidInputException or ArgumentException or IndexOutOfRangeException)
        {
            return Error("invalidTransaction", "fails local checks: could not decode.");
        }

        var hash = TransactionHash.Compute(bytes);
        var publicKey = Convert.FromHexString(tx["SigningPubKey"]?.GetValue<string>() ?? string.Empty);
        var signature = Convert.FromHexString(tx["TxnSignature"]?.GetValue<string>() ?? string.Empty);
        if (!XrplSignature.Verify(XrplBinaryCodec.EncodeForSigning(tx), signature, publicKey))
        {
            return Engine("temBAD_SIGNATURE", "The transaction's signature is invalid.", hash, tx, blob);
        }

        var account = AccountId.ParseClassic(tx["Account"]!.GetValue<string>(), "Account");
        if (PublicKeys.ToAccountId(publicKey) != account)
        {
            return Engine("tefBAD_AUTH", "Transaction's public key is not authorized.", hash, tx, blob);
        }

        if (!_accounts.TryGetValue(account, out var state))
        {
            return Engine("terNO_ACCOUNT", "The source account does not exist.", hash, tx, blob);
        }

        var fee = ulong.Parse(tx["Fee"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        if (fee < OpenLedgerFee)
        {
            return Engine("telINSUF_FEE_P", "Fee insufficient.", hash, tx, blob);
        }

        if (tx["LastLedgerSequence"]?.GetValue<uint>() < CurrentLedgerIndex)
        {
            return Engine("tefMAX_LEDGER", "Ledger sequence too high.", hash, tx, blob);
        }

        if (NetworkId > 1024 && tx["NetworkID"]?.GetValue<uint>() != NetworkId)
        {
            return Engine("telREQUIRES_NETWORK_ID", "Transactions submitted to this node must include a correct NetworkID field.", hash, tx, blob);
        }

        var sequence = tx["Sequence"]!.GetValue<uint>();
        if (_validated.ContainsKey(hash) || _open.Any(entry => entry.Hash == hash))
        {
            return Engine("tefALREADY", "The exact transaction was already in this ledger.", hash, tx, blob);
        }

        if (sequence < state.Sequence)
        {
            return Engine("tefPAST_SEQ", "This sequence number has already passed.", hash, tx, blob);
        }

        if (sequence > state.Sequence)
        {
            _held.Add((hash, tx, blob));
            return Engine("terPRE_SEQ", "Missing/inapplicable prior transaction.", hash, tx, blob);
        }

        var result = Apply(hash, tx);
        return Engine(result, result == "tesSUCCESS" ? "The transaction was applied. Only final in a validated ledger." : "Insufficient XRP balance to send.", hash, tx, blob);
    }

    private string Apply(string hash, JsonObject tx)
    {
        var account = AccountId.ParseClassic(tx["Account"]!.GetValue<string>(), "Account");
        var state = _accounts[account];
        var fee = ulong.Parse(tx["Fee"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var meta = new JsonObject { ["TransactionIndex"] = _open.Count };
        var amount = tx["TransactionType"]!.GetValue<string>() == "Payment" && tx["Amount"] is JsonValue drops
            ? ulong.Parse(drops.GetValue<string>(), CultureInfo.InvariantCulture)
            : 0;
        string result;
        if (amount + fee > state.Balance)
        {
            result = "tecUNFUNDED_PAYMENT";
            _accounts[account] = (state.Balance - Math.Min(fee, state.Balance), state.Sequence + 1);
        }
        else
        {
            result = "tesSUCCESS";
            _accounts[account] = (state.Balance - amount - fee, state.Sequence + 1);
            if (amount > 0)
            {
                var destination = AccountId.ParseClassic(tx["Destination"]!.GetValue<string>(), "Destination");
                var target = _accounts.TryGetValue(destination, out var existing) ? existing : (0UL, 1U);
                _accounts[destination] = (target.Item1 + amount, target.Item2);
                meta["delivered_amount"] = amount.ToString(CultureInfo.InvariantCulture);
            }
        }

        meta["TransactionResult"] = result;
        _open.Add((hash, tx, meta));
        return result;
    }

    private static JsonObject Engine(string result, string message, string hash, JsonObject tx, string blob)
    {
        var txJson = (JsonObject)tx.DeepClone();
        txJson["hash"] = hash;
        return new JsonObject
        {
            ["accepted"] = result is "tesSUCCESS" || result.StartsWith("tec", StringComparison.Ordinal) || result.StartsWith("ter", StringComparison.Ordinal),
            ["engine_result"] = result,
            ["engine_result_code"] = 0,
            ["engine_result_message"] = message,
            ["tx_blob"] = blob,
            ["tx_json"] = txJson,
        };
    }
}

/// <summary>How the stand-in answers one JSON-RPC request when <see cref="RippledStandIn.Faults"/> is set.</summary>
public enum LedgerFault
{
    /// <summary>Answers as rippled does.</summary>
    None,

    /// <summary>Answers after <see cref="RippledStandIn.SlowDelay"/>.</summary>
    Slow,

    /// <summary>Answers rippled's tooBusy error.</summary>
    Error,

    /// <summary>Answers HTTP 503 with no body, as a proxy in front of a node that is down.</summary>
    ServerError,

    /// <summary>Breaks the connection without an answer.</summary>
    Drop,
}
