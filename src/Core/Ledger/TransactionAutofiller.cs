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
    public async Task<JsonObject> AutofillAsync(JsonObject transaction, AccountId account, ulong? maxFeeDrops, CancellationToken cancellationToken) =>
        (await AutofillWithWarningsAsync(transaction, account, maxFeeDrops, cancellationToken).ConfigureAwait(false)).Transaction;

    /// <summary>
    /// As <see cref="AutofillAsync"/>, and says what the operator should know before submitting: a Sequence after
    /// transactions signed earlier that the ledger has not applied yet (this one applies only after them).
    /// </summary>
    public async Task<AutofillResult> AutofillWithWarningsAsync(JsonObject transaction, AccountId account, ulong? maxFeeDrops, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var warnings = new List<string>();
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

            var sequence = _signingState.NextSequence(account, current.Sequence);
            tx["Sequence"] = sequence;
            if (SequenceGapWarning(sequence, _signingState.PendingBetween(account, current.Sequence, sequence)) is { } gap)
            {
                warnings.Add(gap);
            }
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

        return new AutofillResult(tx, warnings);
    }

    /// <summary>The warning for a Sequence that waits on earlier signed transactions the ledger has not applied, or null.</summary>
    internal static string? SequenceGapWarning(uint sequence, IReadOnlyList<uint> pending)
    {
        if (pending.Count == 0)
        {
            return null;
        }

        var earlier = pending.Count == 1
            ? "the transaction signed earlier for Sequence " + pending[0].ToString(CultureInfo.InvariantCulture) + " has"
            : "the transactions signed earlier for Sequences " + string.Join(", ", pending.Select(item => item.ToString(CultureInfo.InvariantCulture))) + " have";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"Sequence {sequence}: {earlier} not been seen on the ledger; this transaction applies only after them (submit them first, in order; until then the ledger answers terPRE_SEQ, and at its LastLedgerSequence tefMAX_LEDGER)");
    }
}

/// <summary>A filled transaction and the warnings for the operator (empty when there is nothing to say).</summary>
/// <param name="Transaction">The transaction with its missing fields filled.</param>
/// <param name="Warnings">Sentences for people, each naming the field concerned.</param>
public sealed record AutofillResult(JsonObject Transaction, IReadOnlyList<string> Warnings);
