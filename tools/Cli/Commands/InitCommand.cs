using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Output;
using HsmWallet.Cli.Vault;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Vault;

namespace HsmWallet.Cli.Commands;

/// <summary>`hsmwallet init`: creates the vault of a home with its first unlocker (and optionally a recovery key).</summary>
internal static class InitCommand
{
    /// <summary>Builds `hsmwallet init`.</summary>
    public static Command Create(CliContext context)
    {
        var unlocker = new UnlockerOptions();
        var recoveryKey = new Option<bool>("--recovery-key") { Description = "Also add a recovery-key slot and print the key once." };
        var command = new Command("init", "Create the vault with its first unlocker; prints the vault path and its slots.") { recoveryKey };
        unlocker.AddTo(command);
        command.SetAction(parse => CommandRunner.ExecuteAudited(context, parse, AuditEventType.VaultInit, (app, _) =>
            // The audit HMAC key goes into the new vault in the same write: each new secret is typed once, and
            // nothing is unlocked again.
            Describe(app.Slots.VaultPath, app.Slots.CreateVault(unlocker.Choice(parse), parse.GetValue(recoveryKey), UnlockerOptions.Calibrating(context)))));
        return command;
    }

    /// <summary>
    /// Prints the slots added; a recovery key (the one secret the CLI prints) goes into "recovery_key"
    /// and its buffer is disposed straight away.
    /// </summary>
    public static JsonObject Describe(string vaultPath, IReadOnlyList<SlotAdded> slots)
    {
        ArgumentNullException.ThrowIfNull(slots);
        var result = new JsonObject { ["vault"] = vaultPath };
        var described = new JsonArray();
        foreach (var slot in slots)
        {
            described.Add((JsonNode)SlotJson.Describe(slot.Slot));
            if (slot.ShowOnce is { } showOnce)
            {
                using (showOnce)
                {
                    result["recovery_key"] = Encoding.ASCII.GetString(showOnce.ReadOnlySpan);
                }
            }
        }

        result["slots"] = described;
        return result;
    }
}
