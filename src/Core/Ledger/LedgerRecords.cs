using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Addresses;

namespace HsmWallet.Core.Ledger;

/// <summary>The transaction costs the server asks for now, in drops, and the open ledger's index.</summary>
/// <param name="BaseFeeDrops">The minimum fee of a reference transaction.</param>
/// <param name="OpenLedgerFeeDrops">The fee that gets a transaction into the open ledger now.</param>
/// <param name="LedgerCurrentIndex">The index of the open ledger.</param>
public sealed record FeeInfo(ulong BaseFeeDrops, ulong OpenLedgerFeeDrops, uint LedgerCurrentIndex);

/// <summary>An account's balance and next Sequence, as of one ledger.</summary>
/// <param name="Account">The account asked about.</param>
/// <param name="BalanceDrops">Its XRP balance in drops.</param>
/// <param name="Sequence">The Sequence its next transaction must use.</param>
/// <param name="LedgerIndex">The ledger the answer comes from.</param>
/// <param name="Raw">The full account_info result.</param>
public sealed record AccountInfo(AccountId Account, ulong BalanceDrops, uint Sequence, uint LedgerIndex, JsonObject Raw);

/// <summary>One page of an account's transactions and the marker for the next page (null at the end).</summary>
/// <param name="Transactions">The transactions as rippled returns them.</param>
/// <param name="Marker">Opaque marker to pass back for the next page, or null.</param>
public sealed record AccountTransactionsPage(JsonArray Transactions, JsonNode? Marker);

/// <summary>The preliminary answer to a submit: not final until validated.</summary>
/// <param name="EngineResult">The preliminary result code (tesSUCCESS, terQUEUED, tefPAST_SEQ, ...).</param>
/// <param name="EngineResultMessage">rippled's sentence for it.</param>
/// <param name="Hash">The transaction's hash.</param>
/// <param name="Raw">The full submit result.</param>
public sealed record SubmitResult(string EngineResult, string EngineResultMessage, string Hash, JsonObject Raw);

/// <summary>What happened to a submitted transaction: the final result from the validated metadata.</summary>
/// <param name="Hash">The transaction's hash.</param>
/// <param name="EngineResult">The preliminary result of the submit.</param>
/// <param name="Validated">Whether a validated ledger holds the transaction.</param>
/// <param name="TransactionResult">The final TransactionResult from the metadata, when validated.</param>
/// <param name="LedgerIndex">The validated ledger that holds it.</param>
/// <param name="DeliveredAmount">What was delivered (meta.delivered_amount), for payments.</param>
public sealed record SubmissionResult(string Hash, string EngineResult, bool Validated, string? TransactionResult, uint? LedgerIndex, JsonNode? DeliveredAmount)
{
    /// <summary>True only for a validated tesSUCCESS.</summary>
    public bool Succeeded => Validated && TransactionResult == "tesSUCCESS";

    /// <summary>The ledger's sentence for the preliminary result (engine_result_message), as the node sent it.</summary>
    public string EngineResultMessage { get; init; } = string.Empty;

    /// <summary>
    /// True when a preliminary result (without waiting) means the transaction is on its way: tesSUCCESS (applied to
    /// the open ledger) or terQUEUED (queued for a later ledger). Every other code (ter retry, tec claimed fee, tef,
    /// tem, tel) means it did not apply as sent.
    /// </summary>
    public bool AcceptedForNow => EngineResult is "tesSUCCESS" or "terQUEUED";
}
