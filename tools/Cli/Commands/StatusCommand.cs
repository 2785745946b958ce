using System.CommandLine;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Output;
using HsmWallet.Core.Vault;
using HsmWallet.KeyProviders;
using HsmWallet.KeyProviders.Pkcs11;
using HsmWallet.KeyProviders.Tpm;

namespace HsmWallet.Cli.Commands;

/// <summary>
/// `hsmwallet status`: what an operator checks first when signing stops: where the home is, which slots the
/// vault has, whether each hardware slot's token or TPM answers now, and whether unlocking is locked out.
/// Needs no secret.
/// </summary>
internal static class StatusCommand
{
    /// <summary>Builds `hsmwallet status`.</summary>
    public static Command Create(CliContext context)
    {
        var command = new Command("status", "Show the home, the vault's slots and their hardware, and the lockout state.");
        command.SetAction(parse => CommandRunner.Execute(context, parse.GetValue(GlobalOptions.Json), () => Describe(parse.GetValue(GlobalOptions.Home))));
        return command;
    }

    private static JsonObject Describe(string? homeOption)
    {
        var root = WalletHome.ResolvePath(homeOption);
        var result = new JsonObject { ["home"] = root };
        if (!File.Exists(Path.Combine(root, "vault.json")))
        {
            result["vault"] = false;
            return result;
        }

        var vault = new WalletVault(WalletHome.At(root), StandardKeyProviders.CreateRegistry());
        result["vault"] = true;
        var slots = new JsonArray();
        foreach (var slot in vault.ListSlots())
        {
            var entry = new JsonObject
            {
                ["id"] = slot.Id,
                ["kind"] = slot.Kind,
                ["hardware_backed"] = slot.IsHardwareBacked,
            };
            var hardware = Hardware(slot);
            if (hardware is not null)
            {
                entry["hardware"] = hardware;
            }

            slots.Add(entry);
        }

        result["slots"] = slots;
        var lockedUntil = vault.Lockout.LockedUntil();
        result["lockout"] = new JsonObject
        {
            ["locked"] = lockedUntil is not null,
            ["locked_until"] = lockedUntil is { } until ? JsonStyle.Time(until) : null,
            ["tries_left"] = vault.Lockout.TriesLeft(),
        };
        return result;
    }

    private static JsonObject? Hardware(SlotInfo slot)
    {
        switch (slot.Kind)
        {
            case Pkcs11KeyProvider.KindName:
                var token = Pkcs11KeyProvider.CheckSlot(slot.Parameters);
                return new JsonObject
                {
                    ["healthy"] = token.Healthy,
                    ["module_loaded"] = token.ModuleLoaded,
                    ["token_present"] = token.TokenPresent,
                    ["key_found"] = token.KeyFound,
                    ["pin"] = new JsonObject
                    {
                        ["count_low"] = token.PinStatus.CountLow,
                        ["final_try"] = token.PinStatus.FinalTry,
                        ["locked"] = token.PinStatus.Locked,
                    },
                    ["problem"] = token.Problem,
                };
            case TpmKeyProvider.KindName:
                var tpm = TpmKeyProvider.CheckSlot(slot.Parameters);
                return new JsonObject { ["healthy"] = tpm.IsHealthy, ["detail"] = tpm.Detail };
            default:
                return null;
        }
    }
}
