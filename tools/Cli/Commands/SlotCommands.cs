using System.CommandLine;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Output;
using HsmWallet.Cli.Vault;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Vault;
using HsmWallet.KeyProviders;
using HsmWallet.KeyProviders.KeyFile;
using HsmWallet.KeyProviders.Pkcs11;

namespace HsmWallet.Cli.Commands;

/// <summary>`hsmwallet slot`: list, add, remove and test the unlockers of the vault (LUKS-style key slots).</summary>
internal static class SlotCommands
{
    /// <summary>Builds `hsmwallet slot`.</summary>
    public static Command Create(CliContext context)
    {
        var slot = new Command("slot", "List, add, remove and test the vault's unlockers.");
        slot.Subcommands.Add(List(context));
        slot.Subcommands.Add(Add(context));
        slot.Subcommands.Add(Remove(context));
        slot.Subcommands.Add(Test(context));
        return slot;
    }

    private static Command List(CliContext context)
    {
        var command = new Command("list", "List the slots (no unlock needed; prints no secret).");
        command.SetAction(parse => CommandRunner.Execute(context, parse.GetValue(GlobalOptions.Json), () =>
        {
            var access = VaultAccess.Open(context, parse);
            return new JsonObject { ["slots"] = new JsonArray([.. access.Vault.ListSlots().Select(slot => (JsonNode)SlotJson.Describe(slot))]) };
        }));
        return command;
    }

    private static Command Add(CliContext context)
    {
        var unlocker = new UnlockerOptions();
        var newPassword = new Option<string>("--new-password-file") { Description = "A 0600 file holding the new slot's password (else --password-file, else a prompt)." };
        var newPin = new Option<string>("--new-pin-file") { Description = "A 0600 file holding the new slot's PIN (else --pin-file, else a prompt)." };
        var command = new Command("add", "Add an unlocker (password, keyfile, pkcs11, tpm or recovery) after unlocking with an existing slot.") { newPassword, newPin };
        unlocker.AddTo(command);
        command.SetAction(parse => CommandRunner.ExecuteAudited(context, parse, AuditEventType.SlotAdd, () =>
        {
            var access = VaultAccess.Open(context, parse);
            var provider = unlocker.CreateProvider(parse, context, NewKeyFilePath(access.Vault.Home), allowRecovery: true);
            var enrolment = access.EnrolmentSecrets(
                parse.GetValue(newPassword) ?? parse.GetValue(GlobalOptions.PasswordFile),
                parse.GetValue(newPin) ?? parse.GetValue(GlobalOptions.PinFile));
            var unlock = provider.Kind == KeyFileKeyProvider.KindName ? access.UnlockWithRecordedKeyFiles() : access.Unlock();
            var added = access.Vault.AddSlot(unlock, provider, enrolment);
            return InitCommand.Describe(access.Vault.Home.VaultPath, [added]);
        }));
        return command;
    }

    /// <summary>A key file path in the home that no slot uses yet (vault.key, then vault-2.key, ...).</summary>
    private static string NewKeyFilePath(WalletHome home)
    {
        var path = home.DefaultKeyFilePath;
        for (var number = 2; File.Exists(path); number++)
        {
            path = Path.Combine(home.Root, $"vault-{number}.key");
        }

        return path;
    }

    private static Command Remove(CliContext context)
    {
        var id = new Argument<int>("ID") { Description = "The slot to remove." };
        var command = new Command("remove", "Remove a slot (refused for the last one).") { id };
        command.SetAction(parse => CommandRunner.ExecuteAudited(context, parse, AuditEventType.SlotRemove, () =>
        {
            var access = VaultAccess.Open(context, parse);
            var slotId = parse.GetValue(id);
            access.Vault.RemoveSlot(access.Unlock(), slotId);
            return new JsonObject { ["removed"] = slotId };
        }));
        return command;
    }

    private static Command Test(CliContext context)
    {
        var id = new Argument<int?>("ID") { Description = "The slot to test (default: the one unlocking chooses).", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("test", "Unlock through a slot (counting like any unlock) and report each unlocker's health.") { id };
        command.SetAction(parse => CommandRunner.ExecuteAudited(context, parse, AuditEventType.SlotTest, () =>
        {
            var access = VaultAccess.Open(context, parse);
            var slotId = parse.GetValue(id) ?? parse.GetValue(GlobalOptions.Slot);
            var registry = StandardKeyProviders.CreateRegistry();
            var health = new JsonArray();
            foreach (var slot in access.Vault.ListSlots())
            {
                if (slotId is { } chosen && slot.Id != chosen)
                {
                    continue;
                }

                health.Add(Health(registry, slot));
            }

            var opened = access.Vault.TestSlot(new UnlockOptions(access.Secrets(), slotId));
            return new JsonObject { ["opened_by"] = opened.Id, ["kind"] = opened.Kind, ["slots"] = health };
        }));
        return command;
    }

    private static JsonObject Health(Core.Unlocking.KeyProviderRegistry registry, SlotInfo slot)
    {
        var report = new JsonObject { ["id"] = slot.Id, ["kind"] = slot.Kind };
        if (slot.Kind == Pkcs11KeyProvider.KindName)
        {
            var check = Pkcs11KeyProvider.CheckSlot(slot.Parameters);
            report["healthy"] = check.Healthy;
            report["module_loaded"] = check.ModuleLoaded;
            report["token_present"] = check.TokenPresent;
            report["key_found"] = check.KeyFound;
            report["pin_count_low"] = check.PinStatus.CountLow;
            report["pin_final_try"] = check.PinStatus.FinalTry;
            report["pin_locked"] = check.PinStatus.Locked;
            report["detail"] = check.Problem;
            return report;
        }

        var provider = registry.TryCreate(slot.Kind);
        var providerHealth = provider?.CheckHealth();
        report["healthy"] = providerHealth?.IsHealthy ?? false;
        report["detail"] = providerHealth?.Detail ?? "no unlocker of this kind is installed";
        return report;
    }
}
