using System.Globalization;
using System.Text.Json.Nodes;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Amounts;

namespace HsmWallet.Core.Ledger;

/// <summary>
/// Fills what a transaction needs from the ledger before signing: Fee from the open-ledger fee
/// (capped by the policy's maximum), Sequence from the account and from what HsmWallet already
/// signed, LastLedgerSequence a bounded distance ahead, and NetworkID where the network needs it.
/// Refuses a transaction whose Account is not the one being signed for.
/// </summary>
public sealed class TransactionAutofiller
{
    private readonly LedgerClient _client;
    private readonly SigningState _signingState;

    /// <summary>Binds a ledger client and the network's signing state.</summary>
    public TransactionAutofiller(LedgerClient client, SigningState signingState)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(signingState);
        _client = client;
        _signingState = signingState;
    }

    /// <summary>
    /// Returns a copy of <paramref name="transaction"/> with missing Fee, Sequence, LastLedgerSequence
    /// and NetworkID filled. <paramref name="account"/> is the signing wallet's account (or the account
    /// its regular key signs for); <paramref name="maxFeeDrops"/> is the policy's cap, if any.
    /// </summary>
    public async Task<JsonObject> AutofillAsync(JsonObject transaction, AccountId account, ulong? maxFeeDrops, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var tx = (JsonObject)transaction.DeepClone();
        if (tx["Account"] is JsonNode given)
        {
            if (AccountId.ParseClassic(given.GetValue<string>(), "Account") != account)
            {
                throw new InvalidInputException("Account", "must be the signing wallet's account");
            }
        }
        else
        {
            tx["Account"] = account.ToClassicAddress();
        }

        var fee = await _client.FeeAsync(cancellationToken).ConfigureAwait(false);
        if (tx["Fee"] is null)
        {
            var drops = Math.Max(fee.OpenLedgerFeeDrops, fee.BaseFeeDrops);
            if (maxFeeDrops is ulong cap && drops > cap)
            {
                drops = cap;
            }

            tx["Fee"] = drops.ToString(CultureInfo.InvariantCulture);
        }
        else if (maxFeeDrops is ulong cap && XrpAmount.ParseDrops(tx["Fee"]!.GetValue<string>(), "Fee").Drops > cap)
        {
            throw new InvalidInputException("Fee", "is above the policy's maximum fee");
        }

        if (tx["Sequence"] is null && tx["TicketSequence"] is null)
        {
            var current = await _client.AccountInfoAsync(account, "current", cancellationToken).ConfigureAwait(false);
            try
            {
                var validated = await _client.AccountInfoAsync(account, "validated", cancellationToken).ConfigureAwait(false);
                _signingState.Forget(account, validated.Sequence, validated.LedgerIndex);
            }
            catch (LedgerException exception) when (exception.Code is "actNotFound" or "lgrNotFound")
            {
                // A brand-new account or a young server: nothing validated to forget yet.
            }

            tx["Sequence"] = _signingState.NextSequence(account, current.Sequence);
        }

        if (tx["LastLedgerSequence"] is null)
        {
            tx["LastLedgerSequence"] = fee.LedgerCurrentIndex + _client.Options.LastLedgerOffset;
        }

        var networkId = await _client.NetworkIdAsync(cancellationToken).ConfigureAwait(false);
        if (networkId > LedgerNetwork.NetworkIdRequiredAbove && tx["NetworkID"] is null)
        {
            tx["NetworkID"] = networkId;
        }
        else if (networkId <= LedgerNetwork.NetworkIdRequiredAbove && tx["NetworkID"] is not null)
        {
            throw new InvalidInputException("NetworkID", "must be absent on a network whose id is 1024 or less");
        }

        return tx;
    }
}
