using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Codec;
using HsmWallet.Core.Xrpl.Hashing;

namespace HsmWallet.Core.Ledger;

/// <summary>
/// Submits a signed transaction and follows it to its final outcome: tes/ter/tec preliminary results
/// proceed, tef/tem/tel fail at once; then each ledger close (WebSocket, or polling `tx` over HTTP
/// as the fallback) is checked until the transaction is validated or its LastLedgerSequence passes.
/// The result reported is the metadata's TransactionResult, never the preliminary one.
/// </summary>
public sealed class TransactionSubmitter
{
    private readonly LedgerClient _client;

    /// <summary>Binds the ledger client whose network and options are used.</summary>
    public TransactionSubmitter(LedgerClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
    }

    /// <summary>Submits <paramref name="txBlob"/>; when <paramref name="wait"/>, waits for the validated result.</summary>
    public async Task<SubmissionResult> SubmitAsync(string txBlob, bool wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(txBlob);
        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(txBlob);
        }
        catch (FormatException exception)
        {
            throw new InvalidInputException("tx_blob", "must be hex", exception);
        }

        var decoded = XrplBinaryCodec.Decode(bytes);
        var hash = TransactionHash.Compute(bytes);
        uint? lastLedger = decoded["LastLedgerSequence"] is JsonNode node ? LedgerClient.ReadUInt(node, "LastLedgerSequence") : null;

        using var limit = new CancellationTokenSource(_client.Options.MaxWait, _client.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(limit.Token, cancellationToken);
        var stream = wait
            ? await LedgerCloseSubscription.TryConnectAsync(_client.Network.WebSocketEndpoints, _client.Options.RequestTimeout, _client.Time, linked.Token).ConfigureAwait(false)
            : null;
        try
        {
            var submitted = await _client.SubmitAsync(txBlob, linked.Token).ConfigureAwait(false);
            var engine = submitted.EngineResult;
            if (engine is not "tefALREADY" && (engine.StartsWith("tef", StringComparison.Ordinal) || engine.StartsWith("tem", StringComparison.Ordinal)
                || engine.StartsWith("tel", StringComparison.Ordinal)))
            {
                throw new LedgerException(engine, submitted.EngineResultMessage.Length > 0 ? submitted.EngineResultMessage : "the ledger refused the transaction");
            }

            if (!wait)
            {
                return new SubmissionResult(hash, engine, false, null, null, null) { EngineResultMessage = submitted.EngineResultMessage };
            }

            try
            {
                return await WaitAsync(hash, engine, lastLedger, stream, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException exception) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new LedgerException("timeout", "the transaction was not validated within the wait limit", exception);
            }
        }
        finally
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<SubmissionResult> WaitAsync(string hash, string engine, uint? lastLedger, LedgerCloseSubscription? stream, CancellationToken cancellationToken)
    {
        var following = stream;
        while (true)
        {
            uint? closed = null;
            if (following is not null)
            {
                using var stall = new CancellationTokenSource(_client.Options.StreamStallTimeout, _client.Time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(stall.Token, cancellationToken);
                try
                {
                    closed = await following.NextLedgerClosedAsync(linked.Token).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is LedgerException or WebSocketException or JsonException
                    || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    // The stream broke or went silent; keep waiting by polling `tx` over HTTP instead.
                    following = null;
                }
            }

            uint closedIndex;
            if (closed is uint index)
            {
                closedIndex = index;
            }
            else
            {
                await Task.Delay(_client.Options.PollInterval, _client.Time, cancellationToken).ConfigureAwait(false);
                closedIndex = await _client.LedgerCurrentIndexAsync(cancellationToken).ConfigureAwait(false) - 1;
            }

            var found = await LookUpAsync(hash, cancellationToken).ConfigureAwait(false);
            if (found?["validated"]?.GetValue<bool>() == true)
            {
                var meta = found["meta"] as JsonObject;
                return new SubmissionResult(
                    hash,
                    engine,
                    true,
                    meta?["TransactionResult"]?.GetValue<string>(),
                    found["ledger_index"] is JsonNode ledgerIndex ? LedgerClient.ReadUInt(ledgerIndex, "ledger_index") : null,
                    meta?["delivered_amount"]?.DeepClone());
            }

            if (lastLedger is uint last && closedIndex > last)
            {
                // The ledger's real outcome, named once; the preliminary result says why when it was not a success.
                var preliminary = engine == "tesSUCCESS" ? string.Empty : $" (the submit's preliminary result was {engine}{PreliminaryHint(engine)})";
                throw new LedgerException("tefMAX_LEDGER", $"LastLedgerSequence {last} passed before the transaction was validated; it can no longer apply{preliminary}");
            }
        }
    }

    /// <summary>What a preliminary code means for the operator, for the codes with a common cause; empty otherwise.</summary>
    public static string PreliminaryHint(string engineResult) => engineResult switch
    {
        "terPRE_SEQ" => ": an earlier Sequence of this account has not reached the ledger; submit the transactions signed before this one first",
        "terQUEUED" => ": queued for a later ledger",
        _ => string.Empty,
    };

    private async Task<JsonObject?> LookUpAsync(string hash, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.TransactionAsync(hash, cancellationToken).ConfigureAwait(false);
        }
        catch (LedgerException exception) when (exception.Code == "txnNotFound")
        {
            return null;
        }
    }
}
