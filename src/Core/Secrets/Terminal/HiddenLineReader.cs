using System.Security.Cryptography;
using System.Text.Unicode;

namespace HsmWallet.Core.Secrets.Terminal;

/// <summary>
/// Reads one line typed without echo straight into a zeroing <see cref="SecureBuffer"/> (never a string): UTF-8 as
/// typed, backspace removes a whole character however many bytes it has, Ctrl-U clears the line, Ctrl-C cancels.
/// The one reader behind every secret prompt (vault passwords, PINs, recovery keys, seeds and mnemonics).
/// </summary>
public static class HiddenLineReader
{
    private const int Backspace = 0x08;
    private const int Delete = 0x7F;
    private const int Escape = 0x1B;
    private const int ControlC = 0x03;
    private const int ControlD = 0x04;
    private const int ControlU = 0x15;

    /// <summary>
    /// Writes <paramref name="prompt"/>, reads a line with echo off (restored before returning, also on Ctrl-C or
    /// an error) and returns its bytes; <paramref name="field"/> names the secret in errors.
    /// </summary>
    /// <exception cref="InvalidInputException">The line is longer than <paramref name="maximumLength"/> bytes or is not UTF-8.</exception>
    /// <exception cref="OperationCanceledException">The person pressed Ctrl-C.</exception>
    public static SecureBuffer Read(ITerminal terminal, TextWriter screen, string prompt, int maximumLength, string field)
    {
        ArgumentNullException.ThrowIfNull(terminal);
        ArgumentNullException.ThrowIfNull(screen);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maximumLength);
        var buffer = new SecureBuffer(maximumLength);
        var length = 0;
        try
        {
            // Echo goes off before the prompt shows: whoever answers the prompt types into a silent terminal.
            using (terminal.HideInput())
            {
                screen.Write(prompt);
                screen.Flush();
                length = ReadInto(terminal, buffer.Span, field);
            }

            screen.WriteLine();
            if (!Utf8.IsValid(buffer.ReadOnlySpan[..length]))
            {
                throw new InvalidInputException(field, "is not UTF-8 text: set the terminal's character encoding to UTF-8");
            }

            buffer.Truncate(length);
            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    private static int ReadInto(ITerminal terminal, Span<byte> line, string field)
    {
        var length = 0;
        while (true)
        {
            var value = terminal.ReadByte();
            switch (value)
            {
                case -1 or '\r' or '\n':
                    return length;
                case ControlD when length == 0:
                    return 0;
                case ControlC:
                    CryptographicOperations.ZeroMemory(line);
                    throw new OperationCanceledException("the prompt was cancelled with Ctrl-C");
                case ControlU:
                    CryptographicOperations.ZeroMemory(line[..length]);
                    length = 0;
                    continue;
                case Backspace or Delete:
                    length = RemoveLastCharacter(line, length);
                    continue;
                case Escape:
                    SkipEscapeSequence(terminal);
                    continue;
                case < 0x20:
                    continue;
            }

            if (length == line.Length)
            {
                throw new InvalidInputException(field, $"is longer than {line.Length} bytes");
            }

            line[length++] = (byte)value;
        }
    }

    /// <summary>Drops the bytes of the last character: its UTF-8 continuation bytes (10xxxxxx) and the byte that starts it.</summary>
    private static int RemoveLastCharacter(Span<byte> line, int length)
    {
        while (length > 0)
        {
            var removed = line[--length];
            line[length] = 0;
            if ((removed & 0xC0) != 0x80)
            {
                break;
            }
        }

        return length;
    }

    /// <summary>Skips a cursor or function key's sequence (ESC [ ... final, ESC O x): arrow keys type nothing into a secret.</summary>
    private static void SkipEscapeSequence(ITerminal terminal)
    {
        var next = terminal.ReadByte();
        if (next == 'O')
        {
            terminal.ReadByte();
            return;
        }

        if (next != '[')
        {
            return;
        }

        int value;
        do
        {
            value = terminal.ReadByte();
        }
        while (value is >= 0x20 and < 0x40);
    }
}
