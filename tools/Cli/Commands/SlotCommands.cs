using System.CommandLine;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Output;
using HsmWallet.Cli.Vault;
using HsmWallet.Core.Audit;
using HsmWallet.Hosting.Application;

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
        command.SetAction(parse => CommandRunner.Execute(context, parse, (app, _) =>
            new JsonObject { ["slots"] = new JsonArray([.. app.Slots.List().Select(slot => (JsonNode)SlotJson.Describe(slot))]) }));
        return command;
    }

    private static Command Add(CliContext context)
    {
        var unlocker = new UnlockerOptions();
        var newPassword = new Option<string>("--new-password-file") { Description = "A 0600 file holding the new slot's password (else --password-file, else a prompt)." };
        var newPin = new Option<string>("--new-pin-file") { Description = "A 0600 file holding the new slot's PIN (else --pin-file, else a prompt)." };
        var command = new Command("add", "Add an unlocker (password, keyfile, pkcs11, tpm or recovery) after unlocking with an existing slot.") { newPassword, newPin };
        unlocker.AddTo(command);
        command.SetAction(parse => CommandRunner.ExecuteAudited(
            context,
            parse,
            AuditEventType.SlotAdd,
            (app, _) =>
            {
                var enrolment = CliHome.EnrolmentSecrets(
                    context,
                    parse.GetValue(newPassword) ?? parse.GetValue(GlobalOptions.PasswordFile),
                    parse.GetValue(newPin) ?? parse.GetValue(GlobalOptions.PinFile));
                var added = app.Slots.AddSlot(unlocker.Choice(parse), enrolment, UnlockerOptions.Calibrating(context));
                return InitCommand.Describe(app.Slots.VaultPath, [added]);
            },
            // --key-file names the new slot's file here: existing key-file slots open with the files recorded in them.
            useKeyFileOption: parse.GetValue(unlocker.Unlocker) != "keyfile"));
        return command;
    }

    private static Command Remove(CliContext context)
    {
        var id = new Argument<int>("ID") { Description = "The slot to remove." };
        var command = new Command("remove", "Remove a slot (refused for the last one).") { id };
        command.SetAction(parse => CommandRunner.ExecuteAudited(context, parse, AuditEventType.SlotRemove, (app, _) =>
        {
            var slotId = parse.GetValue(id);
            app.Slots.RemoveSlot(slotId);
            return new JsonObject { ["removed"] = slotId };
        }));
        return command;
    }

    private static Command Test(CliContext context)
    {
        var id = new Argument<int?>("ID") { Description = "The slot to test (default: the one unlocking chooses).", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("test", "Unlock through a slot (counting like any unlock) and report each unlocker's health.") { id };
        command.SetAction(parse => CommandRunner.ExecuteAudited(context, parse, AuditEventType.SlotTest, (app, _) =>
        {
            var slotId = parse.GetValue(id) ?? parse.GetValue(GlobalOptions.Slot);
            var health = new JsonArray([.. app.Slots.List()
                .Where(slot => slotId is not { } chosen || slot.Id == chosen)
                .Select(slot => (JsonNode)Health(app.Status.Unlocker(slot)))]);
            var opened = app.Slots.TestSlot(slotId);
            return new JsonObject { ["opened_by"] = opened.Id, ["kind"] = opened.Kind, ["slots"] = health };
        }));
        return command;
    }

    private static JsonObject Health(SlotHealth health)
    {
        var report = new JsonObject { ["id"] = health.Id, ["kind"] = health.Kind, ["healthy"] = health.Healthy };
        if (health.Token is { } token)
        {
            report["module_loaded"] = token.ModuleLoaded;
            report["token_present"] = token.TokenPresent;
            report["key_found"] = token.KeyFound;
            report["pin_count_low"] = token.PinCountLow;
            report["pin_final_try"] = token.PinFinalTry;
            report["pin_locked"] = token.PinLocked;
        }

        report["detail"] = health.Detail;
        return report;
    }
}
