using System.Text;
using HsmWallet.Core;
using HsmWallet.Core.Secrets.Files;

namespace HsmWallet.Cli.Input;

/// <summary>
/// Reads a small secret file (a BIP-39 passphrase) as text through Core's owner-only file reader, so a
/// passphrase gets the same mode, owner and symlink checks as every other secret file.
/// </summary>
internal static class SecretFile
{
    /// <summary>Reads the file as UTF-8 into a pinned char array the caller must zero; one trailing newline is dropped.</summary>
    public static char[] ReadUtf8Chars(string path, string field)
    {
        if (!File.Exists(path))
        {
            throw new InvalidInputException(field, "names a file that does not exist");
        }

        using var bytes = ProtectedFile.ReadSecret(path);
        var text = bytes.ReadOnlySpan;
        if (text.Length > 0 && text[^1] == (byte)'\n')
        {
            text = text[..^1];
        }

        if (text.Length > 0 && text[^1] == (byte)'\r')
        {
            text = text[..^1];
        }

        try
        {
            var chars = GC.AllocateArray<char>(Encoding.UTF8.GetCharCount(text), pinned: true);
            Encoding.UTF8.GetChars(text, chars);
            return chars;
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidInputException(field, "is not UTF-8 text");
        }
    }
}
