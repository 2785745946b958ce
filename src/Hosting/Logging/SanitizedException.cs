using HsmWallet.Core;
using HsmWallet.Core.Audit;

namespace HsmWallet.Hosting.Logging;

/// <summary>
/// Stands in for a logged exception: keeps its type, message and stack trace for diagnosis, but only as
/// sanitized text, since an exception thrown by third-party code may quote the value it choked on; each line
/// of it has invisible characters shown as code points (<see cref="VisibleText"/>).
/// </summary>
public sealed class SanitizedException : Exception
{
    private readonly string text;

    /// <summary>Captures the sanitized text of an exception (with its inner exceptions).</summary>
    public SanitizedException(Exception original)
        : base(LogText.Clean(original?.Message ?? string.Empty))
    {
        ArgumentNullException.ThrowIfNull(original);
        text = Describe(original);
    }

    /// <summary>Creates an empty stand-in (for serializers and frameworks).</summary>
    public SanitizedException()
    {
        text = string.Empty;
    }

    /// <summary>Creates a stand-in with a fixed, sanitized message.</summary>
    public SanitizedException(string message)
        : base(LogText.Clean(message ?? string.Empty))
    {
        text = Message;
    }

    /// <summary>Creates a stand-in with a sanitized message and an inner exception.</summary>
    public SanitizedException(string message, Exception innerException)
        : base(LogText.Clean(message ?? string.Empty), innerException)
    {
        text = Message;
    }

    // Type and message on one line (the message, which may quote anyone's text, with every line break and invisible
    // character made visible), inner exceptions after it, then the stack trace (the code's own lines).
    private static string Describe(Exception error)
    {
        var described = new System.Text.StringBuilder();
        described.Append(error.GetType().FullName).Append(": ").Append(LogText.Clean(error.Message));
        if (error.InnerException is { } inner)
        {
            described.Append(" ---> ").Append(Describe(inner));
        }

        if (error.StackTrace is { } stack)
        {
            foreach (var line in AuditSanitizer.SanitizeText(stack).Split('\n'))
            {
                described.Append('\n').Append(VisibleText.Of(line.TrimEnd('\r')));
            }
        }

        return described.ToString();
    }

    /// <summary>The sanitized text of the original exception; the sinks print this.</summary>
    public override string ToString() => text;

    /// <summary>The sanitized stack trace is part of <see cref="ToString"/>; this one stays empty.</summary>
    public override string? StackTrace => null;
}
