using System.Globalization;
using System.Text.Json.Nodes;
using HsmWallet.Core;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Ledger;
using HsmWallet.Core.Secrets.Files;
using HsmWallet.Core.Signing;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Vault;
using ModelContextProtocol.Protocol;

namespace HsmWallet.McpServer.Pipeline;

/// <summary>
/// Turns any failure into the fail-secure tool result of INTERFACES.md: isError with
/// {"error":{"code","message","correlation_id",...}}. Messages come from a fixed list or from exceptions
/// whose messages are safe by construction (bad input names only the field and the rule); anything else
/// is "internal" with the correlation id, never exception text or a stack trace.
/// </summary>
public static class ErrorBodies
{
    /// <summary>The error result for <paramref name="error"/>; <paramref name="code"/> is the stable code chosen.</summary>
    public static CallToolResult From(Exception error, string correlationId, out string code)
    {
        ArgumentNullException.ThrowIfNull(error);
        JsonObject extra = [];
        string message;
        (code, message) = error switch
        {
            ToolRefusedException failure => (failure.Code, failure.Message),
            WalletFrozenException frozen => (WalletFrozenException.Code, frozen.Message),
            PolicyDeniedException => ("policy_denied", "the operator's policy denies this; see reasons"),
            ApprovalException approval => (SafeWord(approval.Code), approval.Message),
            ApprovalRequiredException => ("approval_declined", "a human's approval is needed and none was given; nothing was signed"),
            InvalidInputException invalid => ("invalid_input", invalid.Message),
            LockedOutException => ("locked_out", "unlocking is locked out after repeated failures; the operator must wait or reset the lockout"),
            UnlockFailedException unlockFailed => ("unlock_failed", "the vault could not be unlocked with the configured secret or device" + TriesText(unlockFailed)),
            KeyProviderUnavailableException => ("unlock_failed", "the unlocking device is not available"),
            VaultNotFoundException => ("internal", "no vault in the home; restart the server to create one"),
            UnsafeFilePermissionsException unsafeFile => ("server_unavailable", $"{unsafeFile.Message}; nothing was read or changed"),
            AuditWriteException audit => ("server_unavailable", $"{audit.Message}; the audit log must be repaired before tools run (the operator runs `hsmwallet audit verify`)"),
            LedgerException ledger => ("ledger_error", $"the ledger request failed ({SafeWord(ledger.Code)})"),
            FileLockTimeoutException => ("timeout", "the vault is busy; retry"),
            // Where the database is stays in the operator's log: the agent learns only that nothing was done.
            Core.State.StateStoreException => ("server_unavailable", "the shared state store cannot be used right now (the server's log says why); nothing was signed or changed; retry later"),
            TimeoutException or OperationCanceledException => ("timeout", "the operation took too long and was cancelled; nothing was signed after the cancellation"),
            _ => ("internal", $"internal error; correlation id {correlationId}"),
        };

        if (error is ToolRefusedException withExtra)
        {
            extra = withExtra.Extra;
        }
        else if (error is WalletFrozenException frozenState)
        {
            // The same object server_status shows: since, reason, by (and why it counts as frozen when no record reads).
            extra["frozen"] = frozenState.State.ToJson();
        }
        else if (error is PolicyDeniedException denied)
        {
            extra["reasons"] = Tools.TransactionTools.Reasons(denied.Reasons);
        }
        else if (error is ApprovalException { Code: "rate_limited", RetryAfter: { } retryAfter })
        {
            extra["retry_after_ms"] = (long)Math.Ceiling(Math.Max(retryAfter.TotalMilliseconds, 1));
        }
        else if (error is ApprovalException { Code: "approval_pending", Approval: { } pending })
        {
            extra = Approval.McpApprover.Pending(pending, null).Extra;
        }
        else if (error is ApprovalException { Code: "approval_delayed", Approval: { } delayed })
        {
            extra = Approval.McpApprover.Delayed(delayed, null).Extra;
        }
        else if (error is UnsafeFilePermissionsException { Fix: { } fix })
        {
            extra["fix"] = fix;
        }
        else if (error is UnlockFailedException counted)
        {
            // How many wrong secrets remain before unlocking locks; null when the count is unknown.
            extra["tries_left"] = counted.TriesLeft;
            if (counted.LockedUntil is { } lockedAt)
            {
                extra["locked_until"] = lockedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            }
        }
        else if (error is KeyProviderUnavailableException)
        {
            extra["tries_left"] = null;
        }
        else if (error is LockedOutException locked)
        {
            // Always present, as INTERFACES.md says; null when the record cannot tell (a damaged lockout state).
            extra["locked_until"] = locked.LockedUntil is { } until ? until.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) : null;
        }

        return Build(code, message, correlationId, extra);
    }

    /// <summary>An error result with a stable code and a message safe to show.</summary>
    public static CallToolResult Build(string code, string message, string correlationId, JsonObject? extra = null)
    {
        var error = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["correlation_id"] = correlationId,
        };
        foreach (var (name, value) in extra ?? [])
        {
            error[name] = value?.DeepClone();
        }

        var body = new JsonObject { ["error"] = error };
        return new CallToolResult
        {
            IsError = true,
            Content = [new TextContentBlock { Text = body.ToJsonString(Output.OutputDefence.SerializerOptions) }],
            StructuredContent = System.Text.Json.JsonSerializer.SerializeToElement(body, Output.OutputDefence.JsonObjectInfo),
        };
    }

    private static string TriesText(UnlockFailedException error) => error switch
    {
        { LockedUntil: { } until } => string.Create(CultureInfo.InvariantCulture, $"; unlocking with a password or PIN is locked out until {until.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}"),
        { TriesLeft: 1 } => "; 1 try left before unlocking locks",
        { TriesLeft: { } left } => string.Create(CultureInfo.InvariantCulture, $"; {left} tries left before unlocking locks"),
        _ => string.Empty,
    };

    private static string SafeWord(string? code) =>
        code is not null && code.Length <= 64 && code.All(character => char.IsAsciiLetterOrDigit(character) || character == '_') ? code : "ledger";
}
