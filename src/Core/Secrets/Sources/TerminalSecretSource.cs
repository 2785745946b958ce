using System.Globalization;
using System.Security.Cryptography;
using HsmWallet.Core.Secrets.Terminal;

namespace HsmWallet.Core.Secrets.Sources;

/// <summary>
/// Prompts on the terminal without echo (<see cref="HiddenLineReader"/>: UTF-8 straight into a zeroing buffer, never
/// a string): the way a person types a password, PIN or recovery key; a new secret is asked twice.
/// </summary>
public sealed class TerminalSecretSource : ISecretSource
{
    /// <summary>How many times a new secret is asked for before the command gives up (exit 2).</summary>
    public const int NewSecretTries = 3;

    /// <summary>Longest secret accepted from a prompt, in UTF-8 bytes.</summary>
    public const int MaximumLength = 1024;

    private readonly ITerminal _terminal;
    private readonly TextWriter _prompt;

    /// <summary>Prompts on <paramref name="prompt"/> and reads from <paramref name="terminal"/> (tests pass scripted bytes).</summary>
    public TerminalSecretSource(ITerminal terminal, TextWriter prompt)
    {
        ArgumentNullException.ThrowIfNull(terminal);
        ArgumentNullException.ThrowIfNull(prompt);
        _terminal = terminal;
        _prompt = prompt;
    }

    /// <inheritdoc />
    public bool IsInteractive => _terminal.IsInteractive;

    /// <inheritdoc />
    public SecureBuffer? TryRead(SecretRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsInteractive || request.Kind == SecretKind.KeyFile)
        {
            return null;
        }

        if (!request.Confirm)
        {
            var entry = ReadLine(request.Prompt + ": ", request.Kind);
            if (entry.Length == 0)
            {
                // An empty entry means "skip this slot": unlocking moves on to the next one.
                entry.Dispose();
                return null;
            }

            return entry;
        }

        return ReadNew(request);
    }

    /// <summary>
    /// A new secret: the length rule is checked right after the first entry, and a short entry or two entries
    /// that differ are reported and asked again, up to <see cref="NewSecretTries"/> times in all.
    /// </summary>
    private SecureBuffer? ReadNew(SecretRequest request)
    {
        var field = FieldName(request.Kind);
        string? problem = null;
        for (var tryNumber = 1; tryNumber <= NewSecretTries; tryNumber++)
        {
            if (problem is not null)
            {
                _prompt.WriteLine($"hsmwallet: {field}: {problem}; try again ({NewSecretTries - tryNumber + 1} of {NewSecretTries} tries left)");
            }

            var first = ReadLine(request.Prompt + ": ", request.Kind);
            if (first.Length == 0 && request.MinimumLength == 0)
            {
                first.Dispose();
                return null;
            }

            if (first.Length < request.MinimumLength)
            {
                first.Dispose();
                problem = string.Create(CultureInfo.InvariantCulture, $"must be at least {request.MinimumLength} bytes long");
                continue;
            }

            using var second = ReadLine("Repeat " + LowerFirst(request.Prompt) + ": ", request.Kind);
            if (!CryptographicOperations.FixedTimeEquals(first.ReadOnlySpan, second.ReadOnlySpan))
            {
                first.Dispose();
                problem = "the two entries differ";
                continue;
            }

            return first;
        }

        throw new InvalidInputException(field, string.Create(CultureInfo.InvariantCulture, $"{problem} ({NewSecretTries} tries)"));
    }

    private static string LowerFirst(string text) =>
        text.Length == 0 ? text : char.ToLowerInvariant(text[0]) + text[1..];

    private static string FieldName(SecretKind kind) => kind switch
    {
        SecretKind.Pin => "pin",
        SecretKind.RecoveryKey => "recovery key",
        _ => "password",
    };

    private SecureBuffer ReadLine(string prompt, SecretKind kind) =>
        HiddenLineReader.Read(_terminal, _prompt, prompt, MaximumLength, FieldName(kind));
}
