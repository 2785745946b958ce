using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HsmWallet.Core.Policy.Effects;

namespace HsmWallet.Core.Ledger;

/// <summary>
/// Reads the ledger objects a transaction's effect model needs (ledger_entry on the validated ledger), once, at
/// preparation. Any lookup that fails (no connection, no such object, a server without the method) is kept as
/// unreadable, which the policy turns into a human's approval, never into an allow.
/// </summary>
public static partial class LedgerObjectReader
{
    /// <summary>Reads every object <paramref name="transaction"/> references; with no ledger, none can be read.</summary>
    public static async Task<LedgerReadings> ReadAsync(LedgerClient? ledger, JsonObject transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var requests = EffectReader.RequestsFor(transaction);
        if (requests.Count == 0 || ledger is null)
        {
            return LedgerReadings.None;
        }

        if (ledger.Network.ExpectedNetworkId is not null)
        {
            // A node that claims a named network answers for that chain, or nothing it says is used.
            await ledger.NetworkIdAsync(cancellationToken).ConfigureAwait(false);
        }

        var readings = new LedgerReadings("it was not read");
        if (requests.Count > LedgerReadings.MaxLookups)
        {
            foreach (var request in requests)
            {
                readings.Add(request, LedgerObjectReading.Unreadable($"the transaction references more than {LedgerReadings.MaxLookups} ledger objects"));
            }

            return readings;
        }

        foreach (var request in requests)
        {
            readings.Add(request, await ReadOneAsync(ledger, request, cancellationToken).ConfigureAwait(false));
        }

        return readings;
    }

    private static async Task<LedgerObjectReading> ReadOneAsync(LedgerClient ledger, LedgerObjectRequest request, CancellationToken cancellationToken)
    {
        var parameters = (JsonObject)request.Parameters.DeepClone();
        parameters["ledger_index"] = "validated";
        try
        {
            var result = await ledger.RequestAsync("ledger_entry", parameters, cancellationToken).ConfigureAwait(false);
            return result["node"] is JsonObject node
                ? new LedgerObjectReading((JsonObject)node.DeepClone(), null)
                : LedgerObjectReading.Unreadable("the ledger answered without the object");
        }
        catch (LedgerException exception)
        {
            // The code comes from the server: pass it only in a code's shape, never its free text.
            var code = CodeShape().IsMatch(exception.Code) ? exception.Code : "an error";
            return LedgerObjectReading.Unreadable(code switch
            {
                "entryNotFound" => "no such object on the validated ledger",
                "unknownCmd" or "notImpl" => "the server does not answer ledger_entry",
                _ => "the ledger answered " + code,
            });
        }
    }

    [GeneratedRegex("^[A-Za-z_]{1,40}$", RegexOptions.CultureInvariant)]
    private static partial Regex CodeShape();
}
