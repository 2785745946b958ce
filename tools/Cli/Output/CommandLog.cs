using HsmWallet.Hosting.Logging;
using Serilog.Context;

namespace HsmWallet.Cli.Output;

/// <summary>
/// One operational log line per vault command in `&lt;home&gt;/logs/hsmwallet-DATE.log` (not on stderr, which
/// keeps its one line for the user): the command, exit and error code under the command's correlation id,
/// and for an internal error its sanitized exception, so the id a user reports leads to the cause.
/// </summary>
internal static class CommandLog
{
    /// <summary>Writes the line; best effort, since the audit log (not this one) is what must not fail.</summary>
    public static void Finished(CommandAudit audit, int exitCode, string? errorCode, Exception? internalError)
    {
        if (audit.HomePath is not { } home || !Directory.Exists(home))
        {
            return;
        }

        try
        {
            using var log = OperationalLog.Create(home, "hsmwallet", TextWriter.Null);
            using (LogContext.PushProperty(OperationalLog.CorrelationIdProperty, audit.CorrelationId))
            {
                if (internalError is not null)
                {
                    log.Error(internalError, "{Command} failed with exit {ExitCode} ({ErrorCode})", audit.ToolName, exitCode, errorCode);
                }
                else
                {
                    log.Information("{Command} finished with exit {ExitCode} ({ErrorCode})", audit.ToolName, exitCode, errorCode ?? "ok");
                }
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or HsmWallet.Core.InvalidInputException)
        {
            // The operational log is diagnostics only; the command's outcome stands.
        }
    }
}
