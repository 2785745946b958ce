using System.Security.Cryptography;
using HsmWallet.Core;
using HsmWallet.Core.Secrets.Terminal;
using HsmWallet.KeyProviders.Terminal;

namespace HsmWallet.Cli.Input;

/// <summary>
/// Reads a wallet secret (seed or mnemonic) from stdin or, on a terminal, from a prompt without
/// echo, straight into a pinned byte buffer: the secret never becomes a string and is zeroed when
/// the caller disposes it.
/// </summary>
internal sealed class SecretInput : IDisposable
{
    /// <summary>Longest secret accepted: a 24-word mnemonic with long words fits many times over.</summary>
    public const int MaximumLength = 1024;

    private readonly byte[] _buffer;
    private readonly int _start;
    private readonly int _length;

    private SecretInput(byte[] buffer, int start, int length)
    {
        _buffer = buffer;
        _start = start;
        _length = length;
    }

    /// <summary>The secret's bytes without surrounding white space; valid until disposal.</summary>
    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(_start, _length);

    /// <summary>Reads the secret from the context's stdin, prompting on stderr when a person is typing.</summary>
    public static SecretInput Read(CliContext context, string prompt)
    {
        ArgumentNullException.ThrowIfNull(context);
        var buffer = GC.AllocateArray<byte>(MaximumLength + 1, pinned: true);
        try
        {
            var length = context.InputIsTerminal ? ReadFromTerminal(context, prompt, buffer) : ReadFromStream(context, buffer);
            var start = 0;
            while (start < length && IsWhiteSpace(buffer[start]))
            {
                start++;
            }

            while (length > start && IsWhiteSpace(buffer[length - 1]))
            {
                length--;
            }

            if (length == start)
            {
                throw new InvalidInputException("stdin", "holds no secret: pipe a family seed or BIP-39 words into the command");
            }

            return new SecretInput(buffer, start, length - start);
        }
        catch
        {
            CryptographicOperations.ZeroMemory(buffer);
            throw;
        }
    }

    /// <summary>Zeroes the buffer.</summary>
    public void Dispose() => CryptographicOperations.ZeroMemory(_buffer);

    /// <summary>Tells ASCII white space apart, the only separator seeds and mnemonics use.</summary>
    public static bool IsWhiteSpace(byte value) => value is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static int ReadFromStream(CliContext context, byte[] buffer)
    {
        using var stream = context.OpenInput();
        var total = 0;
        int read;
        while ((read = stream.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += read;
            if (total > MaximumLength)
            {
                throw new InvalidInputException("stdin", $"is longer than {MaximumLength} bytes: not a seed or mnemonic");
            }
        }

        return total;
    }

    /// <summary>The one no-echo reader (UTF-8, backspace per character), copied into this pinned buffer.</summary>
    private static int ReadFromTerminal(CliContext context, string prompt, byte[] buffer)
    {
        using var line = HiddenLineReader.Read(PosixTerminal.StandardInputTerminal, context.Error, prompt, MaximumLength, "secret");
        line.ReadOnlySpan.CopyTo(buffer);
        return line.Length;
    }
}
