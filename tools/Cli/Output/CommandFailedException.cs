using System.Text.Json.Nodes;

namespace HsmWallet.Cli.Output;

/// <summary>
/// A refused or failed operation whose message is safe to show: it carries the stable error code of
/// INTERFACES.md so scripts can branch on it, and any extra fields of the JSON error (a submission's hash).
/// </summary>
internal sealed class CommandFailedException(string code, string message, JsonObject? extra = null) : Exception(message)
{
    /// <summary>The stable snake_case code (for example "unlock_failed").</summary>
    public string Code { get; } = code;

    /// <summary>Fields added to the JSON error beside code and message, or null.</summary>
    public JsonObject? Extra { get; } = extra;
}
