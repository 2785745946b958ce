using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace HsmWallet.Core.Secrets.Sources;

/// <summary>
/// Prompts on the terminal without echo, reading key by key straight into a zeroing buffer (never a
/// string): the way a person types a password, PIN or recovery key.
/// </summary>
public sealed class TerminalSecretSource : ISecretSource
{
    /// <summary>How many times a new secret is asked for before the command gives up (exit 2).</summary>
    public const int NewSecretTries = 3;

    /// <summary>Longest secret accepted from a prompt, in UTF-8 bytes.</summary>
    public const int MaximumLength = 1024;

    private readonly Func<ConsoleKeyInfo> _readKey;
    private readonly TextWriter _prompt;
    private readonly bool _isInteractive;

    /// <summary>Uses the given key reader and prompt writer (tests pass scripted keys).</summary>
    public TerminalSecretSource(Func<ConsoleKeyInfo> readKey, TextWriter prompt, bool isInteractive = true)
    {
        ArgumentNullException.ThrowIfNull(readKey);
        ArgumentNullException.ThrowIfNull(prompt);
        _readKey = readKey;
        _prompt = prompt;
        _isInteractive = isInteractive;
    }

    /// <inheritdoc />
    public bool IsInteractive => _isInteractive;

    /// <summary>The process console: keys without echo, prompts on stderr; silent when stdin is not a terminal.</summary>
    public static TerminalSecretSource FromConsole() =>
        new(() => Console.ReadKey(intercept: true), Console.Error, !Console.IsInputRedirected);

    /// <inheritdoc />
    public SecureBuffer? TryRead(SecretRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_isInteractive || request.Kind == SecretKind.KeyFile)
        {
            return null;
        }

        if (!request.Confirm)
        {
            var entry = ReadLine(request.Prompt + ": ");
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

            var first = ReadLine(request.Prompt + ": ");
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

            using var second = ReadLine("Repeat " + LowerFirst(request.Prompt) + ": ");
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

    private SecureBuffer ReadLine(string prompt)
    {
        _prompt.Write(prompt);
        _prompt.Flush();
        var buffer = new SecureBuffer(MaximumLength);
        // Byte length of each typed character, so backspace removes a whole UTF-8 sequence.
        var widths = new byte[MaximumLength];
        var count = 0;
        var length = 0;
        char? highSurrogate = null;
        Span<char> pair = stackalloc char[2];
        Span<byte> encoded = stackalloc byte[4];
        try
        {
            while (true)
            {
                var key = _readKey();
                if (key.Key == ConsoleKey.Enter || key.KeyChar == '\r' || key.KeyChar == '\n')
                {
                    break;
                }

                if (key.Key == ConsoleKey.Backspace || key.KeyChar == '\b')
                {
                    if (count > 0)
                    {
                        var width = widths[--count];
                        length -= width;
                        CryptographicOperations.ZeroMemory(buffer.Span.Slice(length, width));
                    }

                    continue;
                }

                var c = key.KeyChar;
                if (c == '\0' || char.IsControl(c))
                {
                    continue;
                }

                if (char.IsHighSurrogate(c))
                {
                    highSurrogate = c;
                    continue;
                }

                int written;
                if (char.IsLowSurrogate(c) && highSurrogate is { } high)
                {
                    pair[0] = high;
                    pair[1] = c;
                    written = Encoding.UTF8.GetBytes(pair, encoded);
                }
                else
                {
                    pair[0] = c;
                    written = Encoding.UTF8.GetBytes(pair[..1], encoded);
                }

                highSurrogate = null;
                if (length + written > MaximumLength)
                {
                    throw new InvalidInputException("secret", $"is longer than {MaximumLength} bytes");
                }

                encoded[..written].CopyTo(buffer.Span[length..]);
                widths[count++] = (byte)written;
                length += written;
            }

            _prompt.WriteLine();
            buffer.Truncate(length);
            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(encoded);
            pair.Clear();
            CryptographicOperations.ZeroMemory(widths);
        }
    }
}
