using System.CommandLine;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Output;
using HsmWallet.KeyProviders.Tpm;

namespace HsmWallet.Cli.Commands;

/// <summary>
/// The TPM verbs: show what the TPM is and whether its dictionary-attack lockout is near, and make the
/// persistent storage key once so every unseal skips the slow primary-key derivation.
/// </summary>
internal static class TpmCommands
{
    /// <summary>Builds `hsmwallet tpm`.</summary>
    public static Command Create(CliContext context)
    {
        var tpm = new Command("tpm", "Inspect and provision the TPM 2.0 that can seal the vault key.");
        tpm.Subcommands.Add(Status(context));
        tpm.Subcommands.Add(Provision(context));
        return tpm;
    }

    private static Option<string> TctiOption() => new("--tcti")
    {
        Description = $"The TPM to talk to (default ${TpmTcti.EnvironmentVariable}, then {TpmTcti.Default}), e.g. swtpm:host=127.0.0.1,port=2321.",
    };

    private static Command Status(CliContext context)
    {
        var tcti = TctiOption();
        var command = new Command("status", "Show the TPM's maker, firmware, lockout counters and whether the storage key is persistent.") { tcti };
        command.SetAction(parse => CommandRunner.Execute(context, parse.GetValue(GlobalOptions.Json), () => TpmOperation(() =>
            Describe(TpmSealer.Status(TpmTcti.Resolve(parse.GetValue(tcti)))))));
        return command;
    }

    private static Command Provision(CliContext context)
    {
        var tcti = TctiOption();
        var command = new Command("provision", "Create the persistent storage root key (once per TPM; safe to repeat).") { tcti };
        command.SetAction(parse => CommandRunner.Execute(context, parse.GetValue(GlobalOptions.Json), () => TpmOperation(() =>
        {
            var resolved = TpmTcti.Resolve(parse.GetValue(tcti));
            var created = TpmSealer.ProvisionSrk(resolved);
            var result = Describe(TpmSealer.Status(resolved));
            result["created"] = created;
            return result;
        })));
        return command;
    }

    /// <summary>The status as JSON, shared with `hsmwallet status`.</summary>
    public static JsonObject Describe(TpmStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new JsonObject
        {
            ["tcti"] = status.Tcti,
            ["manufacturer"] = status.Manufacturer,
            ["firmware"] = status.FirmwareVersion,
            ["lockout"] = new JsonObject
            {
                ["in_lockout"] = status.Lockout.InLockout,
                ["failed_attempts"] = status.Lockout.FailedAttempts,
                ["max_failed_attempts"] = status.Lockout.MaxFailedAttempts,
                ["interval_seconds"] = status.Lockout.LockoutIntervalSeconds,
                ["recovery_seconds"] = status.Lockout.LockoutRecoverySeconds,
            },
            ["persistent_srk"] = status.PersistentSrkPresent,
        };
    }

    /// <summary>TPM failures carry no secret and tell the operator what to do, so their message is shown.</summary>
    private static JsonNode TpmOperation(Func<JsonNode> operation)
    {
        try
        {
            return operation();
        }
        catch (TpmUnlockException error)
        {
            throw new CommandFailedException("tpm_" + error.Failure.ToString().ToLowerInvariant(), error.Message);
        }
    }
}
