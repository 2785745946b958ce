using HsmWallet.Core;
using HsmWallet.Core.Audit;

namespace HsmWallet.Hosting.Logging;

/// <summary>
/// What every piece of text in a log line goes through: secrets redacted (<see cref="AuditSanitizer"/>), then
/// line separators, bidi controls and other invisible characters shown as code points (<see cref="VisibleText"/>),
/// so an agent's or a ledger's text can neither leak a secret nor forge or hide a log line.
/// </summary>
internal static class LogText
{
    /// <summary>Redacts secret-looking runs, then makes invisible characters visible.</summary>
    public static string Clean(string text) => VisibleText.Of(AuditSanitizer.SanitizeText(text));
}
