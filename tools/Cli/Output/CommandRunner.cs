using System.CommandLine;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Vault;
using HsmWallet.Core;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Ledger;
using HsmWallet.Core.Secrets.Files;
using HsmWallet.Core.Signing;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Vault;
using HsmWallet.Hosting.Application;

namespace HsmWallet.Cli.Output;

/// <summary>
/// Runs a command body and turns its result or failure into output and an exit code, the same way
/// for every verb: bad input names the field and the rule, any other failure denies with a
/// correlation id, and no exception text (which could carry a secret) ever reaches the user. A verb that
/// reaches the vault gets the application layer and its operation context as parameters (opened here,
/// disposed here). Audited verbs record themselves in one place (see <see cref="CommandAudit"/>): the
/// result entry is appended before anything is printed, and a command whose entry cannot be appended fails.
/// </summary>
internal static class CommandRunner
{
    /// <summary>Runs <paramref name="body"/> and prints its JSON result (no vault, not audited).</summary>
    public static int Execute(CliContext context, bool json, Func<JsonNode> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Run(context, json, null, CommandAuditing.None, null, (_, _) => new CommandOutput(body()));
    }

    /// <summary>Runs <paramref name="body"/> and prints what it returns, with its exit code (no vault, not audited).</summary>
    public static int Execute(CliContext context, bool json, Func<CommandOutput> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Run(context, json, null, CommandAuditing.None, null, (_, _) => body());
    }

    /// <summary>
    /// Runs a verb on the application layer that writes no audit entry of its own here: a read, or a use case that
    /// records every outcome itself (tx sign: the signing path records success and each refusal).
    /// </summary>
    public static int Execute(CliContext context, ParseResult parse, Func<WalletApplication, OperationContext, JsonNode> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Execute(context, parse, (app, operation) => new CommandOutput(body(app, operation)));
    }

    /// <summary>As the other overload, for a verb that prints text or chooses its exit code (audit verify, audit show, state reseal).</summary>
    public static int Execute(CliContext context, ParseResult parse, Func<WalletApplication, OperationContext, CommandOutput> body) =>
        Run(context, parse, CommandAuditing.None, body, useKeyFileOption: true);

    /// <summary>
    /// Runs a verb whose use case records its own success entry (wallet create, import, export, delete, the same entry
    /// the MCP server's call writes): here only "started" (at the unlock, before the change) and a failure entry.
    /// </summary>
    public static int ExecuteUseCase(CliContext context, ParseResult parse, AuditEventType eventType, Func<WalletApplication, OperationContext, JsonNode> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Run(context, parse, new CommandAuditing(eventType, RecordsSuccess: false), (app, operation) => new CommandOutput(body(app, operation)), useKeyFileOption: true);
    }

    /// <summary>
    /// Runs a verb that touches keys, slots, policy or approvals through a use case that does not audit itself:
    /// "started" is appended at the unlock before the change, and success or failure (with the error code) before
    /// the result is printed; when an append fails the command fails with code internal.
    /// </summary>
    /// <param name="context">The command's streams.</param>
    /// <param name="parse">The command line.</param>
    /// <param name="eventType">The verb's audit event.</param>
    /// <param name="body">The verb: options to a use case, its result to JSON.</param>
    /// <param name="useKeyFileOption">False when --key-file names a new slot's file (slot add --unlocker keyfile): existing key-file slots then open with their recorded files.</param>
    public static int ExecuteAudited(CliContext context, ParseResult parse, AuditEventType eventType, Func<WalletApplication, OperationContext, JsonNode> body, bool useKeyFileOption = true)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Run(context, parse, new CommandAuditing(eventType, RecordsSuccess: true), (app, operation) => new CommandOutput(body(app, operation)), useKeyFileOption);
    }

    /// <summary>Reports a command line that did not parse, as the same one line or JSON object as any bad input.</summary>
    public static int ReportUsageError(CliContext context, bool json, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Report(context, json, new Failure(ExitCodes.BadInput, "invalid_input", $"usage: {message} (see --help)"));
    }

    private static int Run(CliContext context, ParseResult parse, CommandAuditing auditing, Func<WalletApplication, OperationContext, CommandOutput> body, bool useKeyFileOption)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(body);
        return Run(context, parse.GetValue(GlobalOptions.Json), parse, auditing, () => CliHome.Open(context, parse, useKeyFileOption), (app, operation) => body(app!, operation));
    }

    private static int Run(
        CliContext context,
        bool json,
        ParseResult? parse,
        CommandAuditing auditing,
        Func<WalletApplication>? open,
        Func<WalletApplication?, OperationContext, CommandOutput> body)
    {
        ArgumentNullException.ThrowIfNull(context);
        var audit = new CommandAudit(parse, auditing);
        WalletApplication? app = null;
        try
        {
            CommandOutput output;
            try
            {
                using (context.Progress?.Run())
                {
                    if (open is not null)
                    {
                        app = open();
                        audit.Attach(app.Audit, app.Unlock);
                    }

                    output = body(app, audit.Operation);
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

                CommandLog.Finished(audit, failure.ExitCode, failure.Code, failure.Code is "internal" or "state_unavailable" ? error : null);
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
            // Zeroes the audit key and the secrets this command typed.
            app?.Dispose();
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
            case WalletFrozenException frozen:
                return new Failure(ExitCodes.Failed, WalletFrozenException.Code, error.Message, new JsonObject { ["frozen"] = frozen.State.ToJson() });
            case PolicyDeniedException denied:
                var reasons = new JsonArray([.. denied.Reasons.Select(reason => (JsonNode)new JsonObject { ["rule"] = reason.Rule, ["message"] = reason.Message })]);
                return new Failure(ExitCodes.Failed, "policy_denied", error.Message, new JsonObject { ["reasons"] = reasons });
            case ApprovalRequiredException:
                // The signing path's own refusal when no grant came (the approver normally refuses first, naming --approve).
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
            case Core.State.StateStoreException:
                // Names the store (host:port/database) and the step, never a password; nothing of the operation was stored.
                return new Failure(ExitCodes.Failed, "state_unavailable", error.Message);
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
