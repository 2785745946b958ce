using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Input;
using HsmWallet.Cli.Output;
using HsmWallet.Cli.Vault;
using HsmWallet.Core;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Secrets.Files;
using HsmWallet.Core.Vault;
using HsmWallet.Core.Xrpl.Keys;
using HsmWallet.KeyProviders;

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
        var command = new Command("create", "Generate a new wallet in the vault; prints its address, never its seed.") { name, keyType };
        command.SetAction(parse => CommandRunner.ExecuteAudited(context, parse, AuditEventType.WalletCreate, () =>
        {
            var type = KeyMaterial.KeyTypeOption(parse.GetValue(keyType)) ?? KeyType.Ed25519;
            var network = VaultAccess.Network(parse);
            var access = VaultAccess.Open(context, parse);
            using var seed = DecodedSeed.Generate(type);
            using var key = XrplSigningKey.FromSeed(seed);
            var info = access.Vault.AddWallet(access.Unlock(), Description(parse.GetValue(name)!, key, network), seed.Entropy);
            return SlotJson.Describe(info);
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
        var command = new Command("import", "Import a family seed or BIP-39 words read from stdin (or a prompt) into the vault.")
        {
            name, mnemonic, keyType, path, passphrase,
        };
        command.SetAction(parse => CommandRunner.ExecuteAudited(context, parse, AuditEventType.WalletImport, () =>
        {
            var type = KeyMaterial.KeyTypeOption(parse.GetValue(keyType));
            var network = VaultAccess.Network(parse);
            var access = VaultAccess.Open(context, parse);
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
                return SlotJson.Describe(access.Vault.AddWallet(access.Unlock(), Description(parse.GetValue(name)!, key, network), seed.Entropy));
            }

            if (secret.Bytes.IndexOfAny(" \t\r\n"u8) < 0)
            {
                throw new InvalidInputException("stdin", "must hold BIP-39 words with --mnemonic");
            }

            using var derived = KeyMaterial.FromSecret(secret, type, parse.GetValue(path), parse.GetValue(passphrase));
            return SlotJson.Describe(access.Vault.AddWallet(access.Unlock(), Description(parse.GetValue(name)!, derived, network), derived.PrivateKeyBytes));
        }));
        return command;
    }

    private static Command List(CliContext context)
    {
        var command = new Command("list", "List the vault's wallets (unlocks: names and addresses are encrypted in the vault; a recovery key or key file works during a lockout; prints no secret).");
        command.SetAction(parse => CommandRunner.Execute(context, parse.GetValue(GlobalOptions.Json), () =>
        {
            var access = VaultAccess.Open(context, parse);
            var wallets = new JsonArray();
            foreach (var wallet in access.Vault.ListWallets(access.Unlock()))
            {
                wallets.Add(SlotJson.Describe(wallet));
            }

            return new JsonObject { ["wallets"] = wallets };
        }));
        return command;
    }

    private static Command Delete(CliContext context)
    {
        var name = NameOption("The wallet's name (a name only, never an address).");
        var yes = new Option<bool>("--yes") { Description = "Delete without asking (scripts)." };
        var command = new Command("delete", "Delete a wallet and its secret from the vault (asks first on a terminal).") { name, yes };
        command.SetAction(parse => CommandRunner.ExecuteAudited(context, parse, AuditEventType.WalletDelete, () =>
        {
            var wallet = parse.GetValue(name)!;
            if (!parse.GetValue(yes))
            {
                if (!context.InputIsTerminal)
                {
                    throw new InvalidInputException("--yes", "is needed to delete a wallet when stdin is not a terminal");
                }

                if (!Confirmation.AskYes(context, $"Delete wallet {VisibleText.Of(wallet)} and its secret for good? Type yes: "))
                {
                    throw new CommandFailedException("declined", "not deleted: the deletion was not confirmed");
                }
            }

            var access = VaultAccess.Open(context, parse);
            // --name is a name: the wallet is found by name only, then removed by its own address, in one unlock.
            var deleted = access.Vault.Update(access.Unlock(), vault => vault.DeleteWallet(vault.FindWalletByName(wallet).Address));
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
            Description = $"The new limit, 1 to {UnlockedVault.MaximumWalletLimit} (default {UnlockedVault.DefaultWalletLimit}); kept in the vault's authenticated settings.",
        };
        var command = new Command("limit", "Show how many wallets the vault holds and may hold; --set N changes the limit (operator only).") { set };
        command.SetAction(parse =>
        {
            var newLimit = parse.GetValue(set);
            JsonNode Describe(UnlockedVault vault) => new JsonObject
            {
                ["wallets"] = vault.Wallets.Count,
                ["limit"] = vault.WalletLimit,
                ["default"] = UnlockedVault.DefaultWalletLimit,
                ["maximum"] = UnlockedVault.MaximumWalletLimit,
            };

            if (newLimit is not { } limit)
            {
                return CommandRunner.Execute(context, parse.GetValue(GlobalOptions.Json), () =>
                {
                    var access = VaultAccess.Open(context, parse);
                    return access.Vault.Read(access.Unlock(), Describe);
                });
            }

            return CommandRunner.ExecuteAudited(context, parse, AuditEventType.ConfigChange, () =>
            {
                var access = VaultAccess.Open(context, parse);
                return access.Vault.Update(access.Unlock(), vault =>
                {
                    vault.SetWalletLimit(limit);
                    return Describe(vault);
                });
            });
        });
        return command;
    }

    private static Command Export(CliContext context)
    {
        var name = NameOption("The wallet's name (a name only, never an address).");
        var output = new Option<string>("--out") { Description = "The backup file to write (0600).", Required = true };
        var backupPassword = new Option<string>("--backup-password-file") { Description = "A 0600 file holding the backup's own password (else a prompt)." };
        var unlocker = new UnlockerOptions();
        var command = new Command("export", "Write an encrypted backup of one wallet: a new vault with its own password slot.")
        {
            name, output, backupPassword, unlocker.KdfMemory, unlocker.KdfIterations, unlocker.KdfParallelism,
        };
        command.SetAction(parse => CommandRunner.ExecuteAudited(context, parse, AuditEventType.WalletExport, () =>
        {
            var outPath = Path.GetFullPath(parse.GetValue(output)!);
            if (File.Exists(outPath) || Directory.Exists(outPath))
            {
                throw new InvalidInputException("--out", "names an existing file; choose a new path");
            }

            var backupPasswordFile = VaultAccess.CheckSecretFile(parse.GetValue(backupPassword), "--backup-password-file");
            if (backupPasswordFile is null && !context.InputIsTerminal)
            {
                throw new InvalidInputException("--backup-password-file", "is needed when stdin is not a terminal");
            }

            var access = VaultAccess.Open(context, parse);
            var staging = Path.Combine(Path.GetDirectoryName(outPath) ?? ".", $".hsmwallet-export-{Guid.NewGuid():N}");
            try
            {
                var backup = new WalletVault(WalletHome.At(staging), StandardKeyProviders.CreateRegistry());
                var backupSecrets = access.EnrolmentSecrets(backupPasswordFile, pinFile: null);
                backup.Create(backupSecrets, unlocker.CreatePasswordProvider(parse, context));
                access.Vault.Read(access.Unlock(), vault => vault.WithWalletSecret(vault.FindWalletByName(parse.GetValue(name)!).Address, (secret, wallet) =>
                    backup.AddWallet(
                        new UnlockOptions(backupSecrets),
                        new WalletDescription(wallet.Name, wallet.KeyType, wallet.Network, wallet.Address, wallet.PublicKey),
                        secret)));
                var bytes = ProtectedFile.ReadAllBytes(backup.Home.VaultPath);
                ProtectedFile.CreateExclusive(outPath, bytes, "--out");
                return new JsonObject
                {
                    ["path"] = outPath,
                    ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)),
                };
            }
            finally
            {
                if (Directory.Exists(staging))
                {
                    Directory.Delete(staging, recursive: true);
                }
            }
        }));
        return command;
    }

    private static WalletDescription Description(string name, XrplSigningKey key, string network) =>
        new(name, KeyTypes.Name(key.KeyType), network, key.AccountId.ToClassicAddress(), Convert.ToHexString(key.PublicKey));
}
