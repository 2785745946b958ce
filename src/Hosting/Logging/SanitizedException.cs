using HsmWallet.Core.Audit;

namespace HsmWallet.Hosting.Logging;

/// <summary>
/// Stands in for a logged exception: keeps its type, message and stack trace for diagnosis, but only as
/// sanitized text, since an exception thrown by third-party code may quote the value it choked on.
/// </summary>
public sealed class SanitizedException : Exception
{
    private readonly string text;

    /// <summary>Captures the sanitized text of an exception (with its inner exceptions).</summary>
    public SanitizedException(Exception original)
        : base(AuditSanitizer.SanitizeText(original?.Message ?? string.Empty))
    {
        ArgumentNullException.ThrowIfNull(original);
        text = AuditSanitizer.SanitizeText(original.ToString());
    }

    /// <summary>Creates an empty stand-in (for serializers and frameworks).</summary>
    public SanitizedException()
    {
        text = string.Empty;
    }

    /// <summary>Creates a stand-in with a fixed, sanitized message.</summary>
    public SanitizedException(string message)
        : base(AuditSanitizer.SanitizeText(message ?? string.Empty))
    {
        text = Message;
    }

    /// <summary>Creates a stand-in with a sanitized message and an inner exception.</summary>
    public SanitizedException(string message, Exception innerException)
        : base(AuditSanitizer.SanitizeText(message ?? string.Empty), innerException)
    {
        text = Message;
    }

    /// <summary>The sanitized text of the original exception; the sinks print this.</summary>
    public override string ToString() => text;

    /// <summary>The sanitized stack trace is part of <see cref="ToString"/>; this one stays empty.</summary>
    public override string? StackTrace => null;
}
