using System.CommandLine;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Input;
using HsmWallet.Cli.Output;
using HsmWallet.Core;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Keys;
using HsmWallet.Core.Xrpl.Transactions;

namespace HsmWallet.Cli.Commands;

/// <summary>
/// The air-gapped verbs: derive, sign and combine with no vault and no network, the secret read
/// from stdin or a prompt and gone when the command returns.
/// </summary>
internal static class OfflineCommands
{
    private const string SecretPrompt = "Family seed or BIP-39 words (not echoed): ";

    /// <summary>Builds `hsmwallet offline`.</summary>
    public static Command Create(CliContext context)
    {
        var offline = new Command("offline", "Derive, sign and combine without a vault or a network (air-gapped use).");
        offline.Subcommands.Add(Derive(context));
        offline.Subcommands.Add(Sign(context));
        offline.Subcommands.Add(Combine(context));
        return offline;
    }

    private static Option<string> KeyTypeOption() => new("--key-type")
    {
        Description = "ed25519 or secp256k1; overrides a family seed's own prefix.",
    };

    private static Option<string> PathOption() => new("--path")
    {
        Description = "BIP-44 path for mnemonics, m/44'/144'/ACCOUNT'/0/INDEX (default m/44'/144'/0'/0/0).",
    };

    private static Option<string> PassphraseFileOption() => new("--passphrase-file")
    {
        Description = "A 0600 file holding the BIP-39 passphrase.",
    };

    private static Command Derive(CliContext context)
    {
        var keyType = KeyTypeOption();
        var path = PathOption();
        var passphrase = PassphraseFileOption();
        var command = new Command("derive", "Print the address and public key of a seed or mnemonic read from stdin.") { keyType, path, passphrase };
        command.SetAction(parse => CommandRunner.Execute(context, parse.GetValue(GlobalOptions.Json), () =>
        {
            using var secret = SecretInput.Read(context, SecretPrompt);
            using var key = KeyMaterial.FromSecret(secret, KeyMaterial.KeyTypeOption(parse.GetValue(keyType)), parse.GetValue(path), parse.GetValue(passphrase));
            return new JsonObject
            {
                ["address"] = key.AccountId.ToClassicAddress(),
                ["public_key"] = Convert.ToHexString(key.PublicKey),
                ["key_type"] = KeyTypes.Name(key.KeyType),
            };
        }));
        return command;
    }

    private static Command Sign(CliContext context)
    {
        var tx = new Option<string>("--tx") { Description = "The transaction JSON file.", Required = true };
        var multisign = new Option<bool>("--multisign") { Description = "Sign as one member of a signer list." };
        var signerAccount = new Option<string>("--signer-account") { Description = "The account this key signs for as its regular key (rADDRESS)." };
        var keyType = KeyTypeOption();
        var path = PathOption();
        var passphrase = PassphraseFileOption();
        var command = new Command("sign", "Sign a transaction with a secret read from stdin; prints tx_blob and hash.")
        {
            tx, multisign, signerAccount, keyType, path, passphrase,
        };
        command.SetAction(parse => CommandRunner.Execute(context, parse.GetValue(GlobalOptions.Json), () =>
        {
            var transaction = InputDocuments.ReadJsonObject(context, parse.GetValue(tx)!, "--tx");
            AccountId? account = parse.GetValue(signerAccount) is { } text ? AccountId.ParseClassic(text, "--signer-account") : null;
            using var secret = SecretInput.Read(context, SecretPrompt);
            using var key = KeyMaterial.FromSecret(secret, KeyMaterial.KeyTypeOption(parse.GetValue(keyType)), parse.GetValue(path), parse.GetValue(passphrase));
            if (parse.GetValue(multisign))
            {
                var share = TransactionSigner.SignAsMultisigner(transaction, key, account);
                return new JsonObject { ["signer"] = share.Signer, ["tx_blob"] = share.TxBlob };
            }

            var signed = TransactionSigner.Sign(transaction, key, account);
            return new JsonObject { ["tx_blob"] = signed.TxBlob, ["hash"] = signed.Hash };
        }));
        return command;
    }

    private static Command Combine(CliContext context)
    {
        var files = new Argument<string[]>("FILE") { Description = "Outputs of `offline sign --multisign`, one per signer.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("combine", "Combine multisign outputs into one transaction; prints tx_blob and hash.") { files };
        command.SetAction(parse => CommandRunner.Execute(context, parse.GetValue(GlobalOptions.Json), () =>
        {
            var paths = parse.GetValue(files)!;
            var blobs = new List<string>(paths.Length);
            foreach (var path in paths)
            {
                var share = InputDocuments.ReadJsonObject(context, path, path);
                blobs.Add(share["tx_blob"] is JsonValue value && value.TryGetValue<string>(out var blob)
                    ? blob
                    : throw new InvalidInputException(path, "has no tx_blob string: is it the output of offline sign --multisign?"));
            }

            var combined = TransactionSigner.Combine(blobs);
            return new JsonObject { ["tx_blob"] = combined.TxBlob, ["hash"] = combined.Hash };
        }));
        return command;
    }
}
