namespace HsmWallet.Cli.Output;

/// <summary>
/// A refused or failed operation whose message is safe to show: it carries the stable error code of
/// INTERFACES.md so scripts can branch on it.
/// </summary>
internal sealed class CommandFailedException(string code, string message) : Exception(message)
{
    /// <summary>The stable snake_case code (for example "unlock_failed").</summary>
    public string Code { get; } = code;
}
