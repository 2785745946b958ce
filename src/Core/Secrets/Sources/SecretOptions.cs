namespace HsmWallet.Core.Secrets.Sources;

/// <summary>
/// The secret options every command accepts (INTERFACES.md: --password-file, --pin-file, --key-file),
/// gathered so the CLI and the MCP server build the same <see cref="SecretSourceChain"/>.
/// </summary>
public sealed record SecretOptions
{
    /// <summary>`--password-file F`: a 0600/0400 file holding the password.</summary>
    public string? PasswordFile { get; init; }

    /// <summary>`--pin-file F`: a 0600/0400 file holding a PIN.</summary>
    public string? PinFile { get; init; }

    /// <summary>`--key-file F`: the key file; without it a key-file slot uses the file it was enrolled with.</summary>
    public string? KeyFile { get; init; }

    /// <summary>A 0600/0400 file holding a recovery key, for scripted recovery.</summary>
    public string? RecoveryKeyFile { get; init; }

    /// <summary>Whether a terminal prompt may be used (the MCP server says no: its stdin is the protocol).</summary>
    public bool AllowPrompt { get; init; } = true;

    /// <summary>The prompt on the operator's terminal; null means no prompt (Core has no terminal of its own: the CLI passes one).</summary>
    public ISecretSource? Terminal { get; init; }

    /// <summary>Receives warnings such as "password taken from the environment" (stderr in the CLI).</summary>
    public Action<string> Warn { get; init; } = static _ => { };

    /// <summary>Environment lookup (tests substitute their own).</summary>
    public Func<string, string?>? GetEnvironment { get; init; }
}
