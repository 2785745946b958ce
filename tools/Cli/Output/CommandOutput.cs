using System.Text.Json.Nodes;

namespace HsmWallet.Cli.Output;

/// <summary>
/// What a command body hands the runner to print: a JSON result (indented for people, one line with
/// --json) or, for people only, ready-made text lines; and the exit code when a result is itself a refusal.
/// </summary>
/// <param name="Json">The result as JSON (printed with --json, and without it when there is no text).</param>
/// <param name="Text">Human-readable lines printed instead of the JSON when --json is absent, or null.</param>
/// <param name="ExitCode">0, or 1 for a result that reports a failure (e.g. a log that does not verify).</param>
internal sealed record CommandOutput(JsonNode Json, string? Text = null, int ExitCode = ExitCodes.Success);
