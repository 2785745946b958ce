using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HsmWallet.Core.Ledger;

/// <summary>
/// A WebSocket subscription to rippled's "ledger" stream, so waiting for validation reacts to each
/// ledger close instead of polling on a guess.
/// </summary>
public sealed class LedgerCloseSubscription : IAsyncDisposable
{
    private const int MaxMessageBytes = 1024 * 1024;
    private readonly ClientWebSocket _socket;

    private LedgerCloseSubscription(ClientWebSocket socket) => _socket = socket;

    /// <summary>
    /// Connects to the first endpoint that answers and subscribes to ledger closes; null when none
    /// does (the caller falls back to polling over HTTP).
    /// </summary>
    public static async Task<LedgerCloseSubscription?> TryConnectAsync(IReadOnlyList<Uri> endpoints, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(time);
        foreach (var endpoint in endpoints)
        {
            var socket = new ClientWebSocket();
            try
            {
                using var limit = new CancellationTokenSource(timeout, time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(limit.Token, cancellationToken);
                await socket.ConnectAsync(endpoint, linked.Token).ConfigureAwait(false);
                var request = Encoding.UTF8.GetBytes("""{"id":1,"command":"subscribe","streams":["ledger"]}""");
                await socket.SendAsync(request, WebSocketMessageType.Text, endOfMessage: true, linked.Token).ConfigureAwait(false);
                var stream = new LedgerCloseSubscription(socket);
                var answer = await stream.ReceiveAsync(linked.Token).ConfigureAwait(false);
                if (answer["type"]?.GetValue<string>() == "response" && answer["status"]?.GetValue<string>() == "success")
                {
                    return stream;
                }
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or JsonException or InvalidOperationException)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            socket.Dispose();
        }

        return null;
    }

    /// <summary>Waits for the next "ledgerClosed" message and returns the closed ledger's index.</summary>
    public async Task<uint> NextLedgerClosedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
            if (message["type"]?.GetValue<string>() == "ledgerClosed")
            {
                return LedgerClient.ReadUInt(message["ledger_index"], "ledger_index");
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, limit.Token).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            // Closing is a courtesy; the socket is released below either way.
        }
        finally
        {
            _socket.Dispose();
        }
    }

    private async Task<JsonObject> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var received = await _socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                throw new LedgerException("transport", "the server closed the ledger stream");
            }

            message.Write(buffer, 0, received.Count);
            if (message.Length > MaxMessageBytes)
            {
                throw new LedgerException("badResponse", "a stream message is larger than the client accepts");
            }

            if (received.EndOfMessage)
            {
                return JsonNode.Parse(message.ToArray()) as JsonObject ?? throw new LedgerException("badResponse", "a stream message is not a JSON object");
            }
        }
    }
}
