using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HsmWallet.Core.Ledger;

/// <summary>
/// What an agent needs to know about the network before it plans a transaction: which network, the validated
/// ledger, the fee now and the reserves, read from server_info and fee and checked field by field (the server is not
/// trusted: a field of the wrong shape refuses the answer instead of reaching the agent).
/// </summary>
/// <param name="Network">The network this server is configured for (mainnet, testnet, devnet, custom).</param>
/// <param name="NetworkId">The network id the server reports, when it reports one.</param>
/// <param name="ExpectedNetworkId">The id this configuration knows or requires, when it knows one.</param>
/// <param name="ServerState">The server's state word (full, proposing, syncing...).</param>
/// <param name="ValidatedLedgerIndex">The latest validated ledger.</param>
/// <param name="OpenLedgerIndex">The open ledger.</param>
/// <param name="BaseFeeDrops">The minimum fee of a reference transaction.</param>
/// <param name="OpenLedgerFeeDrops">The fee that gets a transaction into the open ledger now.</param>
/// <param name="ReserveBaseDrops">The reserve every account keeps.</param>
/// <param name="ReserveIncrementDrops">The reserve added per owned object (trust line, offer, escrow...).</param>
public sealed partial record LedgerStatus(
    string Network,
    uint? NetworkId,
    uint? ExpectedNetworkId,
    string ServerState,
    uint ValidatedLedgerIndex,
    uint OpenLedgerIndex,
    ulong BaseFeeDrops,
    ulong OpenLedgerFeeDrops,
    ulong ReserveBaseDrops,
    ulong ReserveIncrementDrops)
{
    private const decimal DropsPerXrp = 1_000_000m;
    private const decimal MaxXrp = 100_000_000_000m;

    /// <summary>Whether the server's id is the one this configuration expects (null when either is unknown).</summary>
    public bool? NetworkIdMatches => NetworkId is uint reported && ExpectedNetworkId is uint expected ? reported == expected : null;

    /// <summary>Reads server_info and fee from <paramref name="client"/>'s network.</summary>
    public static async Task<LedgerStatus> ReadAsync(LedgerClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var server = await client.ServerInfoAsync(cancellationToken).ConfigureAwait(false);
        var fee = await client.FeeAsync(cancellationToken).ConfigureAwait(false);
        var info = server["info"] as JsonObject ?? throw Bad("server_info.info", "is missing");
        var ledger = info["validated_ledger"] as JsonObject
            ?? throw new LedgerException("noValidatedLedger", "the server reports no validated ledger yet; retry once it is synced");
        var state = info["server_state"] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : throw Bad("server_info.info.server_state", "is missing");
        if (!StateWord().IsMatch(state))
        {
            throw Bad("server_info.info.server_state", "is not a state word");
        }

        return new LedgerStatus(
            client.Network.Name,
            info["network_id"] is JsonNode id ? LedgerClient.ReadUInt(id, "server_info.info.network_id") : null,
            client.Network.NetworkId ?? client.Network.ExpectedNetworkId,
            state,
            LedgerClient.ReadUInt(ledger["seq"], "server_info.info.validated_ledger.seq"),
            fee.LedgerCurrentIndex,
            fee.BaseFeeDrops,
            fee.OpenLedgerFeeDrops,
            XrpToDrops(ledger["reserve_base_xrp"], "server_info.info.validated_ledger.reserve_base_xrp"),
            XrpToDrops(ledger["reserve_inc_xrp"], "server_info.info.validated_ledger.reserve_inc_xrp"));
    }

    /// <summary>The fields of `ledger_status`, drops as strings as the XRPL JSON does.</summary>
    public JsonObject ToJson() => new()
    {
        ["network"] = Network,
        ["network_id"] = NetworkId,
        ["expected_network_id"] = ExpectedNetworkId,
        ["network_id_matches"] = NetworkIdMatches,
        ["server_state"] = ServerState,
        ["validated_ledger_index"] = ValidatedLedgerIndex,
        ["open_ledger_index"] = OpenLedgerIndex,
        ["base_fee_drops"] = BaseFeeDrops.ToString(CultureInfo.InvariantCulture),
        ["open_ledger_fee_drops"] = OpenLedgerFeeDrops.ToString(CultureInfo.InvariantCulture),
        ["reserve_base_drops"] = ReserveBaseDrops.ToString(CultureInfo.InvariantCulture),
        ["reserve_increment_drops"] = ReserveIncrementDrops.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>An amount of XRP the server wrote as a JSON number or decimal string, as whole drops within the XRP supply.</summary>
    internal static ulong XrpToDrops(JsonNode? node, string field)
    {
        if (node is not JsonValue value)
        {
            throw Bad(field, "is missing");
        }

        var text = value.GetValueKind() switch
        {
            JsonValueKind.Number => value.ToJsonString(),
            JsonValueKind.String => value.GetValue<string>(),
            _ => throw Bad(field, "is not a number"),
        };
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var xrp) || xrp > MaxXrp)
        {
            throw Bad(field, "is not an amount of XRP");
        }

        var drops = xrp * DropsPerXrp;
        return drops == decimal.Truncate(drops) ? decimal.ToUInt64(drops) : throw Bad(field, "is not a whole number of drops");
    }

    private static LedgerException Bad(string field, string rule) => new("badResponse", $"{field} {rule}");

    [GeneratedRegex("^[a-z_]{1,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex StateWord();
}
