using System.CommandLine;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Output;
using HsmWallet.Hosting.Application;

namespace HsmWallet.Cli.Commands;

/// <summary>
/// `hsmwallet status`: what an operator checks first when signing stops: where the home is, which slots the
/// vault has, whether each hardware slot's token or TPM answers now, whether unlocking is locked out, whether
/// the wallet is frozen (the marker file; this command does not unlock, so a freeze only the vault records shows on
/// the next command that unlocks), and which key types the vault's token can keep on the device (on-token wallets).
/// Needs no secret.
/// </summary>
internal static class StatusCommand
{
    /// <summary>Builds `hsmwallet status`.</summary>
    public static Command Create(CliContext context)
    {
        var command = new Command("status", "Show the home, the vault's slots and their hardware, the lockout state and whether the wallet is frozen.");
        command.SetAction(parse => CommandRunner.Execute(context, parse, (app, _) => Describe(app)));
        return command;
    }

    private static JsonObject Describe(WalletApplication app)
    {
        var result = new JsonObject { ["home"] = app.Home.Root, ["frozen"] = app.Status.Frozen().ToJson() };
        if (!app.Status.VaultExists)
        {
            result["vault"] = false;
            return result;
        }

        result["vault"] = true;
        var slots = new JsonArray();
        foreach (var slot in app.Status.Slots())
        {
            var entry = new JsonObject
            {
                ["id"] = slot.Id,
                ["kind"] = slot.Kind,
                ["hardware_backed"] = slot.IsHardwareBacked,
            };
            if (StatusUseCase.Hardware(slot) is { } hardware)
            {
                entry["hardware"] = Hardware(hardware);
            }

            slots.Add((JsonNode)entry);
        }

        result["slots"] = slots;
        var lockedUntil = app.Status.LockedUntil();
        result["lockout"] = new JsonObject
        {
            ["locked"] = lockedUntil is not null,
            ["locked_until"] = lockedUntil is { } until ? JsonStyle.Time(until) : null,
            ["tries_left"] = app.Status.TriesLeft(),
        };
        if (app.OnToken.Status() is { } onToken)
        {
            // Which key types `wallet create --on-token` can make on the vault's token, and what it lacks for the others.
            result["on_token"] = new JsonObject
            {
                ["token"] = onToken.Token,
                ["key_types"] = new JsonArray([.. onToken.KeyTypes.Select(type => (JsonNode)type)]),
                ["missing"] = new JsonArray([.. onToken.Missing.Select(item => (JsonNode)new JsonObject { ["key_type"] = item.Key, ["lacks"] = item.Value })]),
                ["problem"] = onToken.Problem,
            };
        }

        return result;
    }

    private static JsonObject Hardware(SlotHealth health) => health.Token is { } token
        ? new JsonObject
        {
            ["healthy"] = health.Healthy,
            ["module_loaded"] = token.ModuleLoaded,
            ["token_present"] = token.TokenPresent,
            ["key_found"] = token.KeyFound,
            ["pin"] = new JsonObject
            {
                ["count_low"] = token.PinCountLow,
                ["final_try"] = token.PinFinalTry,
                ["locked"] = token.PinLocked,
            },
            ["problem"] = health.Detail,
        }
        : new JsonObject { ["healthy"] = health.Healthy, ["detail"] = health.Detail };
}
