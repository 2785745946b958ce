namespace HsmWallet.Cli;

/// <summary>
/// The streams one command line runs against, so tests drive the CLI in process with the same
/// code paths as a real terminal.
/// </summary>
/// <param name="OpenInput">Opens standard input as bytes, so secrets are never decoded into strings.</param>
/// <param name="Output">Where results go (stdout).</param>
/// <param name="Error">Where diagnostics and prompts go (stderr).</param>
/// <param name="InputIsTerminal">True when a person types the input, so secrets are prompted for without echo.</param>
internal sealed record CliContext(Func<Stream> OpenInput, TextWriter Output, TextWriter Error, bool InputIsTerminal)
{
    /// <summary>The spinner on a terminal's stderr, or null when no person watches stderr.</summary>
    public Output.TerminalProgress? Progress { get; init; }
}
