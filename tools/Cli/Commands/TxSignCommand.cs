using System.CommandLine;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Input;
using HsmWallet.Cli.Output;
using HsmWallet.Core.Signing;
using HsmWallet.Core.Xrpl.Addresses;

namespace HsmWallet.Cli.Commands;

/// <summary>
/// `hsmwallet tx sign`: signs with a wallet of the vault through the sign use case the MCP server calls too:
/// optional autofill from the ledger, the policy, the operator's approval (<see cref="TerminalApprover"/>) where the
/// policy asks for a human, the signing state and the audit entry before the blob is printed.
/// </summary>
internal static class TxSignCommand
{
    /// <summary>Builds `hsmwallet tx sign`.</summary>
    public static Command Create(CliContext context)
    {
        var wallet = new Option<string>("--wallet") { Description = "The wallet's name or address.", Required = true };
        var tx = new Option<string>("--tx") { Description = "The transaction JSON file, or - for stdin.", Required = true };
        var multisign = new Option<bool>("--multisign") { Description = "Sign as one member of a signer list." };
        var signerAccount = new Option<string>("--signer-account") { Description = "The account this key signs for as its regular key (rADDRESS)." };
        var autofill = new Option<bool>("--autofill") { Description = "Fill Fee, Sequence, LastLedgerSequence and NetworkID from the ledger (--network or --rpc-url)." };
        var approve = new Option<bool>("--approve")
        {
            Description = "The operator approves in advance what the policy would ask a human about (for scripts; on a terminal you are asked instead).",
        };
        var command = new Command("sign", "Sign a transaction with a vault wallet; prints tx_blob and hash.") { wallet, tx, multisign, signerAccount, autofill, approve };
        command.SetAction(parse => CommandRunner.Execute(context, parse, (app, operation) =>
        {
            var transaction = InputDocuments.ReadJsonObject(context, parse.GetValue(tx)!, "--tx");
            AccountId? signingFor = parse.GetValue(signerAccount) is { } text ? AccountId.ParseClassic(text, "--signer-account") : null;
            // The ledger is asked only for what the transaction needs: autofill, and the objects it references (an offer's
            // price, a channel's destination), so the human and the policy see what it moves even without --autofill.
            var request = new SigningRequest(parse.GetValue(wallet)!, transaction, parse.GetValue(autofill), parse.GetValue(multisign), signingFor);
            var approver = TerminalApprover.ForSigning(context, parse.GetValue(approve), stdinHeldTheTransaction: parse.GetValue(tx) == "-").WithPasskeys(app);
            var (result, warnings) = app.Transactions.SignAsync(request, null, approver, operation).GetAwaiter().GetResult();
            foreach (var warning in warnings)
            {
                context.Error.WriteLine($"hsmwallet: warning: {warning}");
            }

            var output = result.Signer is { } signer
                ? new JsonObject { ["signer"] = signer.DeepClone(), ["tx_blob"] = result.TxBlob }
                : new JsonObject { ["tx_blob"] = result.TxBlob, ["hash"] = result.Hash };
            output["warnings"] = new JsonArray([.. warnings.Select(warning => (JsonNode)warning)]);
            return output;
        }));
        return command;
    }
}
