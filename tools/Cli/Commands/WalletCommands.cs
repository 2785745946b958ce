using System.CommandLine;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Input;
using HsmWallet.Cli.Output;
using HsmWallet.Cli.Vault;
using HsmWallet.Core;
using HsmWallet.Core.Audit;
using HsmWallet.Core.UseCases;
using HsmWallet.Core.Xrpl.Keys;
using HsmWallet.Hosting.Application;

namespace HsmWallet.Cli.Commands;

/// <summary>
/// `hsmwallet wallet`: create, import, list, delete and export the wallets of the vault. Secrets come from
/// stdin or a prompt only and are never printed; an export is a new encrypted vault, never plaintext.
/// </summary>
internal static class WalletCommands
{
    private const string SecretPrompt = "Family seed or BIP-39 words (not echoed): ";

    /// <summary>Builds `hsmwallet wallet`.</summary>
    public static Command Create(CliContext context)
    {
        var wallet = new Command("wallet", "Create, import, list, delete and export the vault's wallets.");
        wallet.Subcommands.Add(CreateWallet(context));
        wallet.Subcommands.Add(Import(context));
        wallet.Subcommands.Add(List(context));
        wallet.Subcommands.Add(Delete(context));
        wallet.Subcommands.Add(Export(context));
        wallet.Subcommands.Add(Limit(context));
        wallet.Subcommands.Add(WalletBalanceCommand.Create(context));
        return wallet;
    }

    private static Option<string> NameOption(string description) => new("--name") { Description = description, Required = true };

    private static Option<string> KeyTypeOption() => new("--key-type") { Description = "ed25519 or secp256k1." };

    private static Command CreateWallet(CliContext context)
    {
        var name = NameOption("The new wallet's name.");
        var keyType = KeyTypeOption();
        var onToken = new Option<bool>("--on-token") { Description = "Generate the key pair on a PKCS#11 token, where it stays: it signs there and can never be exported (docs/on-token-keys.md)." };
        var module = new Option<string>("--module") { Description = "With --on-token: absolute path of the PKCS#11 module (default: the token of the vault's PKCS#11 slot)." };
        var tokenLabel = new Option<string>("--token-label") { Description = "With --on-token: the token's label." };
        var tokenSerial = new Option<string>("--token-serial") { Description = "With --on-token: the token's serial number." };
        var keyLabel = new Option<string>("--key-label") { Description = "With --on-token: the new key pair's label (default hsmwallet-NAME)." };
        var command = new Command("create", "Generate a new wallet in the vault (or, with --on-token, on a PKCS#11 token); prints its address, never its seed.")
        {
            name, keyType, onToken, module, tokenLabel, tokenSerial, keyLabel,
        };
        command.SetAction(parse => CommandRunner.ExecuteUseCase(context, parse, AuditEventType.WalletCreate, (app, operation) =>
        {
            var type = KeyMaterial.KeyTypeOption(parse.GetValue(keyType)) ?? KeyType.Ed25519;
            var tokenOptions = new[] { module, tokenLabel, tokenSerial, keyLabel }.FirstOrDefault(option => parse.GetResult(option) is not null);
            if (!parse.GetValue(onToken))
            {
                return tokenOptions is null
                    ? SlotJson.Describe(app.Wallets.Create(parse.GetValue(name)!, KeyTypes.Name(type), app.WalletNetwork, operation))
                    : throw new InvalidInputException(tokenOptions.Name, "is only for --on-token");
            }

            var choice = new OnTokenChoice(parse.GetValue(module), parse.GetValue(tokenLabel), parse.GetValue(tokenSerial), parse.GetValue(keyLabel));
            return SlotJson.Describe(app.OnToken.Create(parse.GetValue(name)!, KeyTypes.Name(type), app.WalletNetwork, choice, operation));
        }));
        return command;
    }

    private static Command Import(CliContext context)
    {
        var name = NameOption("The wallet's name.");
        var mnemonic = new Option<bool>("--mnemonic") { Description = "stdin holds BIP-39 words (secp256k1 at m/44'/144'/0'/0/0 unless --path)." };
        var keyType = KeyTypeOption();
        var path = new Option<string>("--path") { Description = "BIP-44 path for a mnemonic, m/44'/144'/ACCOUNT'/0/INDEX." };
        var passphrase = new Option<string>("--passphrase-file") { Description = "A 0600 file holding the BIP-39 passphrase." };
        var onToken = new Option<bool>("--on-token") { Description = "Refused: a key that existed outside a token never becomes an on-token key." };
        var command = new Command("import", "Import a family seed or BIP-39 words read from stdin (or a prompt) into the vault.")
        {
            name, mnemonic, keyType, path, passphrase, onToken,
        };
        command.SetAction(parse => CommandRunner.ExecuteUseCase(context, parse, AuditEventType.WalletImport, (app, operation) =>
        {
            if (parse.GetValue(onToken))
            {
                // Refused before any secret is read.
                throw WalletUseCases.ImportOnTokenRefused();
            }

            var type = KeyMaterial.KeyTypeOption(parse.GetValue(keyType));
            var network = app.WalletNetwork;
            using var secret = SecretInput.Read(context, SecretPrompt);
            var isSeed = !parse.GetValue(mnemonic);
            if (isSeed && (parse.GetValue(path) is not null || parse.GetValue(passphrase) is not null))
            {
                throw new InvalidInputException("--mnemonic", "is needed with --path or --passphrase-file");
            }

            if (isSeed)
            {
                using var decoded = FamilySeed.Decode(secret.Bytes);
                using var seed = DecodedSeed.FromEntropy(decoded.Entropy, type ?? decoded.KeyType);
                using var key = XrplSigningKey.FromSeed(seed);
                return SlotJson.Describe(app.Wallets.Import(parse.GetValue(name)!, key, seed.Entropy, network, operation));
            }

            if (secret.Bytes.IndexOfAny(" \t\r\n"u8) < 0)
            {
                throw new InvalidInputException("stdin", "must hold BIP-39 words with --mnemonic");
            }

            using var derived = KeyMaterial.FromSecret(secret, type, parse.GetValue(path), parse.GetValue(passphrase));
            return SlotJson.Describe(app.Wallets.Import(parse.GetValue(name)!, derived, derived.PrivateKeyBytes, network, operation));
        }));
        return command;
    }

    private static Command List(CliContext context)
    {
        var command = new Command("list", "List the vault's wallets (unlocks: names and addresses are encrypted in the vault; a recovery key or key file works during a lockout; prints no secret).");
        command.SetAction(parse => CommandRunner.Execute(context, parse, (app, _) =>
            new JsonObject { ["wallets"] = new JsonArray([.. app.Wallets.List().Select(wallet => (JsonNode)SlotJson.Describe(wallet))]) }));
        return command;
    }

    private static Command Delete(CliContext context)
    {
        var name = NameOption("The wallet's name (a name only, never an address).");
        var yes = new Option<bool>("--yes") { Description = "Delete without asking (scripts)." };
        var command = new Command("delete", "Delete a wallet and its secret from the vault (asks first on a terminal).") { name, yes };
        command.SetAction(parse => CommandRunner.ExecuteUseCase(context, parse, AuditEventType.WalletDelete, (app, operation) =>
        {
            // --name is a name: the wallet is found by name only, then removed by its own address.
            var approver = TerminalApprover.ForDelete(context, parse.GetValue(yes)).WithPasskeys(app);
            var deleted = app.Wallets.DeleteAsync(parse.GetValue(name)!, nameOnly: true, null, approver, operation).GetAwaiter().GetResult();
            var result = SlotJson.Describe(deleted);
            result["deleted"] = true;
            return result;
        }));
        return command;
    }

    private static Command Limit(CliContext context)
    {
        var set = new Option<int?>("--set")
        {
            Description = $"The new limit, 1 to {WalletLimit.Maximum} (default {WalletLimit.Default}); kept in the vault's authenticated settings.",
        };
        var command = new Command("limit", "Show how many wallets the vault holds and may hold; --set N changes the limit (operator only).") { set };
        command.SetAction(parse => parse.GetValue(set) is { } limit
            ? CommandRunner.ExecuteAudited(context, parse, AuditEventType.ConfigChange, (app, _) => Describe(app.Slots.SetWalletLimit(limit)))
            : CommandRunner.Execute(context, parse, (app, _) => Describe(app.Slots.WalletLimit())));
        return command;

        static JsonObject Describe(WalletLimit limit) => new()
        {
            ["wallets"] = limit.Wallets,
            ["limit"] = limit.Limit,
            ["default"] = WalletLimit.Default,
            ["maximum"] = WalletLimit.Maximum,
        };
    }

    private static Command Export(CliContext context)
    {
        var name = NameOption("The wallet's name (a name only, never an address).");
        var output = new Option<string>("--out") { Description = "The backup file to write (0600).", Required = true };
        var backupPassword = new Option<string>("--backup-password-file") { Description = "A 0600 file holding the backup's own password (else a prompt)." };
        var yes = new Option<bool>("--yes") { Description = "Export without asking (scripts); on a terminal you are shown the wallet and the file and asked." };
        var unlocker = new UnlockerOptions();
        var command = new Command("export", "Write an encrypted backup of one wallet: a new vault with its own password slot (asks first on a terminal).")
        {
            name, output, backupPassword, yes, unlocker.KdfMemory, unlocker.KdfIterations, unlocker.KdfParallelism,
        };
        command.SetAction(parse => CommandRunner.ExecuteUseCase(context, parse, AuditEventType.WalletExport, (app, operation) =>
        {
            var backupPasswordFile = CliHome.CheckSecretFile(parse.GetValue(backupPassword), "--backup-password-file");
            if (backupPasswordFile is null && !context.InputIsTerminal)
            {
                throw new InvalidInputException("--backup-password-file", "is needed when stdin is not a terminal");
            }

            var protection = new BackupProtection.OwnSlot(
                Unlockers.Password(unlocker.Kdf(parse), UnlockerOptions.Calibrating(context)),
                CliHome.EnrolmentSecrets(context, backupPasswordFile, pinFile: null));
            var request = new ExportRequest(parse.GetValue(name)!, new BackupDestination.OperatorFile(parse.GetValue(output)!), protection, null, NameOnly: true);
            var exported = app.Wallets.ExportAsync(request, TerminalApprover.ForExport(context, parse.GetValue(yes)).WithPasskeys(app), operation).GetAwaiter().GetResult();
            return new JsonObject { ["path"] = exported.Path, ["sha256"] = exported.Sha256 };
        }));
        return command;
    }
}
