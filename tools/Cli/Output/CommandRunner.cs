using System.CommandLine;
using System.Text.Json.Nodes;
using HsmWallet.Core;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Ledger;
using HsmWallet.Core.Secrets.Files;
using HsmWallet.Core.Signing;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Vault;
using HsmWallet.Hosting.Audit;

namespace HsmWallet.Cli.Output;

/// <summary>
/// Runs a command body and turns its result or failure into output and an exit code, the same way
/// for every verb: bad input names the field and the rule, any other failure denies with a
/// correlation id, and no exception text (which could carry a secret) ever reaches the user. Audited
/// verbs also record themselves here, in one place: the result entry is appended before anything is printed,
/// and a command whose entry cannot be appended fails.
/// </summary>
internal static class CommandRunner
{
    private static readonly AsyncLocal<CommandAudit?> Current = new();

    /// <summary>Runs <paramref name="body"/> and prints its JSON result (not audited).</summary>
    public static int Execute(CliContext context, bool json, Func<JsonNode> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Run(context, json, null, null, () => new CommandOutput(body()));
    }

    /// <summary>Runs <paramref name="body"/> and prints what it returns, with its exit code (not audited).</summary>
    public static int Execute(CliContext context, bool json, Func<CommandOutput> body) => Run(context, json, null, null, body);

    /// <summary>
    /// Runs a command that touches keys, slots, policy or approvals: "started" is appended at the unlock before
    /// the change, and success or failure (with the error code) before the result is printed; when an append
    /// fails the command fails with code internal.
    /// </summary>
    public static int ExecuteAudited(CliContext context, ParseResult parse, AuditEventType eventType, Func<JsonNode> body)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(body);
        return Run(context, parse.GetValue(GlobalOptions.Json), parse, eventType, () => new CommandOutput(body()));
    }

    /// <summary>Called by VaultAccess when a command opens the vault: the command's audit record takes its session.</summary>
    public static void AttachAudit(AuditSession session, Func<UnlockOptions> unlock)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(unlock);
        Current.Value?.Attach(session, unlock);
    }

    /// <summary>Reports a command line that did not parse, as the same one line or JSON object as any bad input.</summary>
    public static int ReportUsageError(CliContext context, bool json, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Report(context, json, new Failure(ExitCodes.BadInput, "invalid_input", $"usage: {message} (see --help)"));
    }

    private static int Run(CliContext context, bool json, ParseResult? parse, AuditEventType? eventType, Func<CommandOutput> body)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(body);
        var previous = Current.Value;
        using var audit = new CommandAudit(parse, eventType);
        Current.Value = audit;
        try
        {
            CommandOutput output;
            try
            {
                using (context.Progress?.Run())
                {
                    output = body();
                }

                audit.RecordSuccess(output.Json);
            }
#pragma warning disable CA1031 // Every failure must deny with a correlation id, whatever its type.
            catch (Exception error)
#pragma warning restore CA1031
            {
                var failure = Classify(error, audit.CorrelationId);
                if (error is not AuditWriteException)
                {
                    failure = RecordFailure(audit, failure);
                }

                CommandLog.Finished(audit, failure.ExitCode, failure.Code, failure.Code == "internal" ? error : null);
                return Report(context, json, failure);
            }

            if (output.Text is not null && !json)
            {
                context.Output.Write(output.Text);
            }
            else
            {
                context.Output.WriteLine(output.Json.ToJsonString(json ? JsonStyle.Compact : JsonStyle.Indented));
            }

            CommandLog.Finished(audit, output.ExitCode, null, null);
            return output.ExitCode;
        }
        finally
        {
            Current.Value = previous;
        }
    }

    private static Failure RecordFailure(CommandAudit audit, Failure failure)
    {
        try
        {
            audit.RecordFailure(failure.Code);
            return failure;
        }
#pragma warning disable CA1031 // A failure that cannot be recorded is reported as such, whatever stopped it.
        catch (Exception)
#pragma warning restore CA1031
        {
            return new Failure(
                ExitCodes.Failed,
                "internal",
                $"audit: the failure ({failure.Code}) could not be recorded; run hsmwallet audit verify; correlation id {audit.CorrelationId}");
        }
    }

    private static Failure Classify(Exception error, string correlationId)
    {
        switch (error)
        {
            case InvalidInputException invalid:
                return new Failure(ExitCodes.BadInput, "invalid_input", CliFlags.Message(invalid));
            case CommandFailedException failed:
                return new Failure(ExitCodes.Failed, failed.Code, error.Message, failed.Extra);
            case PolicyDeniedException denied:
                var reasons = new JsonArray([.. denied.Reasons.Select(reason => (JsonNode)new JsonObject { ["rule"] = reason.Rule, ["message"] = reason.Message })]);
                return new Failure(ExitCodes.Failed, "policy_denied", error.Message, new JsonObject { ["reasons"] = reasons });
            case ApprovalRequiredException:
                return new Failure(ExitCodes.Failed, "approval_declined", "the policy asks a human to approve this transaction: run it on a terminal to confirm, or pass --approve");
            case ApprovalException approval:
                return new Failure(approval.Code == "invalid_input" ? ExitCodes.BadInput : ExitCodes.Failed, approval.Code, error.Message);
            case LedgerException ledger:
                // The ledger's words, which already begin with its code (once); Report makes control and format
                // characters (a hostile node's escapes) visible.
                return new Failure(ExitCodes.Failed, "ledger_error", error.Message, new JsonObject { ["ledger_code"] = SafeCode(ledger.Code) });
            case LockedOutException lockedOut:
                var extra = new JsonObject
                {
                    ["locked_until"] = lockedOut.LockedUntil is { } until
                        ? until.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)
                        : null,
                };

                return new Failure(ExitCodes.Failed, "locked_out", error.Message, extra);
            case UnlockFailedException unlockFailed:
                // How many wrong passwords or PINs remain before the lockout (null when the count is unknown).
                var standing = new JsonObject { ["tries_left"] = unlockFailed.TriesLeft };
                if (unlockFailed.LockedUntil is { } lockedAt)
                {
                    standing["locked_until"] = lockedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
                }

                return new Failure(ExitCodes.Failed, "unlock_failed", error.Message, standing);
            case KeyProviderUnavailableException:
                return new Failure(ExitCodes.Failed, "unlock_failed", error.Message, new JsonObject { ["tries_left"] = null });
            case VaultNotFoundException notFound:
                return new Failure(ExitCodes.Failed, "vault_not_found", $"{notFound.Path}: no vault here; run hsmwallet init (or pass --home)");
            case VaultAlreadyExistsException exists:
                return new Failure(ExitCodes.Failed, "vault_exists", $"{exists.Path}: a vault already exists; init never overwrites one");
            case VaultIntegrityException:
                return new Failure(ExitCodes.Failed, "vault_integrity", error.Message);
            case UnsafeFilePermissionsException:
                return new Failure(ExitCodes.Failed, "unsafe_permissions", error.Message);
            case FileLockTimeoutException:
                return new Failure(ExitCodes.Failed, "timeout", error.Message);
            case OperationCanceledException:
                // Ctrl-C at a prompt: the reader put the terminal back before this was thrown.
                return new Failure(ExitCodes.Failed, "cancelled", "cancelled at the prompt (Ctrl-C)");
            case AuditWriteException:
                // Fixed text naming the step, never a value; nothing was printed and nothing unrecorded left.
                return new Failure(ExitCodes.Failed, "internal", $"{error.Message}; correlation id {correlationId}");
            default:
                return new Failure(ExitCodes.Failed, "internal", $"internal error ({error.GetType().Name}); correlation id {correlationId}");
        }
    }

    private static int Report(CliContext context, bool json, Failure original)
    {
        // Every error line shows invisible characters (line separators, bidi controls, escapes) as code points,
        // whatever text a ledger node, a file or an approval record put in the message.
        var failure = original with { Message = VisibleText.Of(CliFlags.References(original.Message)) };
        if (json)
        {
            var error = new JsonObject { ["code"] = failure.Code, ["message"] = failure.Message };
            foreach (var (name, value) in failure.Extra ?? [])
            {
                error[name] = value?.DeepClone();
            }

            var body = new JsonObject { ["error"] = error };
            context.Output.WriteLine(body.ToJsonString(JsonStyle.Compact));
        }

        context.Error.WriteLine($"hsmwallet: {failure.Message}");
        return failure.ExitCode;
    }

    /// <summary>A ledger code as data only when it has a code's shape (a hostile node chooses it), else null.</summary>
    private static string? SafeCode(string code) =>
        code.Length is > 0 and <= 64 && code.All(character => char.IsAsciiLetterOrDigit(character) || character == '_') ? code : null;

    /// <summary>A failure as the user sees it: exit code, stable code, safe message and extra JSON fields.</summary>
    private sealed record Failure(int ExitCode, string Code, string Message, JsonObject? Extra = null);
}
