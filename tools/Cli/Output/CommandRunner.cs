using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Core;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Ledger;
using HsmWallet.Core.Secrets.Files;
using HsmWallet.Core.Signing;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Vault;

namespace HsmWallet.Cli.Output;

/// <summary>
/// Runs a command body and turns its result or failure into output and an exit code, the same way
/// for every verb: bad input names the field and the rule, any other failure denies with a
/// correlation id, and no exception text (which could carry a secret) ever reaches the user.
/// </summary>
internal static class CommandRunner
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Runs <paramref name="body"/> and prints its JSON result.</summary>
    public static int Execute(CliContext context, bool json, Func<JsonNode> body)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            var result = body();
            context.Output.WriteLine(json ? result.ToJsonString() : result.ToJsonString(Indented));
            return ExitCodes.Success;
        }
        catch (InvalidInputException error)
        {
            return Report(context, json, ExitCodes.BadInput, "invalid_input", error.Message);
        }
        catch (CommandFailedException error)
        {
            return Report(context, json, ExitCodes.Failed, error.Code, error.Message);
        }
        catch (PolicyDeniedException error)
        {
            var reasons = new JsonArray([.. error.Reasons.Select(reason => (JsonNode)new JsonObject { ["rule"] = reason.Rule, ["message"] = reason.Message })]);
            return Report(context, json, ExitCodes.Failed, "policy_denied", error.Message, new JsonObject { ["reasons"] = reasons });
        }
        catch (ApprovalRequiredException)
        {
            return Report(context, json, ExitCodes.Failed, "approval_declined", "the policy asks a human to approve this transaction: run on a terminal to confirm, or pass --approve");
        }
        catch (ApprovalException error)
        {
            return Report(context, json, error.Code == "invalid_input" ? ExitCodes.BadInput : ExitCodes.Failed, error.Code, error.Message);
        }
        catch (LedgerException error)
        {
            return Report(context, json, ExitCodes.Failed, "ledger_error", $"{error.Code}: {error.Message}");
        }
        catch (LockedOutException error)
        {
            var extra = new JsonObject();
            if (error.LockedUntil is { } until)
            {
                extra["locked_until"] = until.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
            }

            return Report(context, json, ExitCodes.Failed, "locked_out", error.Message, extra);
        }
        catch (UnlockFailedException error)
        {
            return Report(context, json, ExitCodes.Failed, "unlock_failed", error.Message);
        }
        catch (KeyProviderUnavailableException error)
        {
            return Report(context, json, ExitCodes.Failed, "unlock_failed", error.Message);
        }
        catch (VaultNotFoundException error)
        {
            return Report(context, json, ExitCodes.Failed, "vault_not_found", $"{error.Path}: no vault here; run hsmwallet init (or pass --home)");
        }
        catch (VaultAlreadyExistsException error)
        {
            return Report(context, json, ExitCodes.Failed, "vault_exists", $"{error.Path}: a vault already exists; init never overwrites one");
        }
        catch (VaultIntegrityException error)
        {
            return Report(context, json, ExitCodes.Failed, "vault_integrity", error.Message);
        }
        catch (UnsafeFilePermissionsException error)
        {
            return Report(context, json, ExitCodes.Failed, "unsafe_permissions", error.Message);
        }
        catch (FileLockTimeoutException error)
        {
            return Report(context, json, ExitCodes.Failed, "timeout", error.Message);
        }
#pragma warning disable CA1031 // Every failure must deny with a correlation id, whatever its type.
        catch (Exception error)
#pragma warning restore CA1031
        {
            var correlationId = Guid.NewGuid().ToString("N");
            return Report(context, json, ExitCodes.Failed, "internal", $"internal error ({error.GetType().Name}); correlation id {correlationId}");
        }
    }

    /// <summary>Reports a command line that did not parse, as the same one line or JSON object as any bad input.</summary>
    public static int ReportUsageError(CliContext context, bool json, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Report(context, json, ExitCodes.BadInput, "invalid_input", $"usage: {message} (see --help)");
    }

    private static int Report(CliContext context, bool json, int exitCode, string code, string message, JsonObject? extra = null)
    {
        if (json)
        {
            var error = new JsonObject { ["code"] = code, ["message"] = message };
            foreach (var (name, value) in extra ?? [])
            {
                error[name] = value?.DeepClone();
            }

            var body = new JsonObject { ["error"] = error };
            context.Output.WriteLine(body.ToJsonString());
        }

        context.Error.WriteLine($"hsmwallet: {message}");
        return exitCode;
    }
}
