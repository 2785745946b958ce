using System.CommandLine;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Input;
using HsmWallet.Cli.Output;
using HsmWallet.Cli.Vault;
using HsmWallet.Core;
using HsmWallet.Core.Signing;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Transactions;

namespace HsmWallet.Cli.Commands;

/// <summary>
/// `hsmwallet tx sign`: signs with a wallet of the vault. The vault is unlocked for this one call, the
/// wallet's secret becomes a key only inside it, and every buffer is zeroed before the command returns.
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
        var autofill = new Option<bool>("--autofill") { Description = "Fill Sequence, Fee and LastLedgerSequence from the ledger (needs the ledger client)." };
        var command = new Command("sign", "Sign a transaction with a vault wallet; prints tx_blob and hash.") { wallet, tx, multisign, signerAccount, autofill };
        command.SetAction(parse => CommandRunner.Execute(context, parse.GetValue(GlobalOptions.Json), () =>
        {
            if (parse.GetValue(autofill))
            {
                throw new InvalidInputException("--autofill", "needs the ledger client (not yet available)");
            }

            var transaction = InputDocuments.ReadJsonObject(context, parse.GetValue(tx)!, "--tx");
            AccountId? account = parse.GetValue(signerAccount) is { } text ? AccountId.ParseClassic(text, "--signer-account") : null;
            var access = VaultAccess.Open(context, parse);
            return access.Vault.WithWalletSecret<JsonNode>(access.Unlock(), parse.GetValue(wallet)!, (secret, info) =>
            {
                using var key = WalletKeys.Open(secret, info);
                if (parse.GetValue(multisign))
                {
                    var share = TransactionSigner.SignAsMultisigner(transaction, key, account);
                    return new JsonObject { ["signer"] = share.Signer, ["tx_blob"] = share.TxBlob };
                }

                var signed = TransactionSigner.Sign(transaction, key, account);
                return new JsonObject { ["tx_blob"] = signed.TxBlob, ["hash"] = signed.Hash };
            });
        }));
        return command;
    }
}
