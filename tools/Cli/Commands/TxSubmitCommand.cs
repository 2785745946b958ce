using System.CommandLine;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Input;
using HsmWallet.Cli.Ledger;
using HsmWallet.Cli.Output;
using HsmWallet.Core.Ledger;

namespace HsmWallet.Cli.Commands;

/// <summary>
/// `hsmwallet tx submit`: sends a signed blob to the ledger and, unless --no-wait, follows ledger closes until it is
/// validated or can no longer be; a validated result other than tesSUCCESS is a failed operation (exit 1).
/// </summary>
internal static class TxSubmitCommand
{
    /// <summary>Builds `hsmwallet tx submit`.</summary>
    public static Command Create(CliContext context)
    {
        var blob = new Argument<string>("BLOB") { Description = "Hex signed transaction, or - for stdin (default).", Arity = ArgumentArity.ZeroOrOne };
        var noWait = new Option<bool>("--no-wait") { Description = "Return after the preliminary result instead of waiting for validation." };
        var command = new Command("submit", "Submit a signed transaction; prints engine_result, hash, validated and ledger_index.") { blob, noWait };
        command.SetAction(parse => CommandRunner.Execute(context, parse.GetValue(GlobalOptions.Json), () =>
        {
            var hex = Convert.ToHexString(InputDocuments.ReadHex(context, parse.GetValue(blob), "BLOB"));
            using var client = LedgerAccess.OpenClient(parse);
            var wait = !parse.GetValue(noWait);
            var result = new TransactionSubmitter(client).SubmitAsync(hex, wait, CancellationToken.None).GetAwaiter().GetResult();
            var json = Describe(result);
            if (result.Validated && !result.Succeeded)
            {
                throw new CommandFailedException(
                    "ledger_error",
                    $"validated with {result.TransactionResult} in ledger {result.LedgerIndex}: the transaction did not succeed",
                    Extra(json, result.TransactionResult));
            }

            if (!wait && !result.AcceptedForNow)
            {
                // Without waiting, only tesSUCCESS and terQUEUED are on their way; any other code did not apply as sent.
                var words = result.EngineResultMessage.Length > 0 ? result.EngineResultMessage : "the transaction did not apply";
                throw new CommandFailedException(
                    "ledger_error",
                    $"{result.EngineResult}: {words}{TransactionSubmitter.PreliminaryHint(result.EngineResult)}",
                    Extra(json, result.EngineResult));
            }

            return json;
        }));
        return command;
    }

    /// <summary>The submission's fields beside the error, so a script keeps the hash to follow the transaction up.</summary>
    private static JsonObject Extra(JsonObject submission, string? code)
    {
        var extra = (JsonObject)submission.DeepClone();
        extra["ledger_code"] = code;
        return extra;
    }

    /// <summary>The INTERFACES.md fields of a submission, plus the final result and delivered amount when validated.</summary>
    public static JsonObject Describe(SubmissionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var json = new JsonObject
        {
            ["engine_result"] = result.EngineResult,
            ["hash"] = result.Hash,
            ["validated"] = result.Validated,
            ["ledger_index"] = result.LedgerIndex,
        };
        if (result.TransactionResult is not null)
        {
            json["transaction_result"] = result.TransactionResult;
        }

        if (result.DeliveredAmount is not null)
        {
            json["delivered_amount"] = result.DeliveredAmount.DeepClone();
        }

        return json;
    }
}
