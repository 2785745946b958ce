using System.Globalization;
using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Addresses;

namespace HsmWallet.Core.Ledger;

/// <summary>
/// What a wallet can spend, from the validated ledger: the balance, the reserve the account must keep (base plus
/// one increment per owned object) and the difference, so an agent does not plan a payment the ledger will refuse.
/// </summary>
/// <param name="Address">The classic address.</param>
/// <param name="BalanceDrops">The XRP balance.</param>
/// <param name="ReserveDrops">The reserve the account must keep.</param>
/// <param name="AvailableDrops">What can be sent (never below zero).</param>
/// <param name="Sequence">The account's next Sequence.</param>
/// <param name="LedgerIndex">The validated ledger read.</param>
public sealed record AccountBalance(string Address, ulong BalanceDrops, ulong ReserveDrops, ulong AvailableDrops, uint Sequence, uint LedgerIndex)
{
    private const decimal DropsPerXrp = 1_000_000m;

    /// <summary>Reads the balance of <paramref name="account"/> and the network's reserves from the validated ledger.</summary>
    public static async Task<AccountBalance> ReadAsync(LedgerClient client, AccountId account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var info = await client.AccountInfoAsync(account, "validated", cancellationToken).ConfigureAwait(false);
        var server = await client.ServerInfoAsync(cancellationToken).ConfigureAwait(false);
        var ledger = server["info"]?["validated_ledger"] as JsonObject
            ?? throw new LedgerException("noValidatedLedger", "the server reports no validated ledger, so the reserve is unknown");
        var baseReserve = XrpToDrops(ledger["reserve_base_xrp"], "reserve_base_xrp");
        var increment = XrpToDrops(ledger["reserve_inc_xrp"], "reserve_inc_xrp");
        var owners = info.Raw["account_data"]?["OwnerCount"] is JsonNode count ? LedgerClient.ReadUInt(count, "OwnerCount") : 0u;
        var reserve = checked(baseReserve + (owners * increment));
        var available = info.BalanceDrops > reserve ? info.BalanceDrops - reserve : 0;
        return new AccountBalance(account.ToClassicAddress(), info.BalanceDrops, reserve, available, info.Sequence, info.LedgerIndex);
    }

    /// <summary>The fields of `wallet_balance` and `hsmwallet wallet balance`, drops as strings as the XRPL JSON does.</summary>
    public JsonObject ToJson() => new()
    {
        ["address"] = Address,
        ["balance_drops"] = BalanceDrops.ToString(CultureInfo.InvariantCulture),
        ["reserve_drops"] = ReserveDrops.ToString(CultureInfo.InvariantCulture),
        ["available_drops"] = AvailableDrops.ToString(CultureInfo.InvariantCulture),
        ["sequence"] = Sequence,
        ["ledger_index"] = LedgerIndex,
    };

    private static ulong XrpToDrops(JsonNode? node, string field)
    {
        if (node is not JsonValue value)
        {
            throw new LedgerException("badServerInfo", "server_info lacks " + field);
        }

        var xrp = value.TryGetValue<decimal>(out var number)
            ? number
            : decimal.Parse(value.ToJsonString().Trim('"'), NumberStyles.Number, CultureInfo.InvariantCulture);
        return decimal.ToUInt64(decimal.Round(xrp * DropsPerXrp));
    }
}
