using System.Security.Cryptography;
using System.Text;
using HsmWallet.Core;

namespace HsmWallet.Cli.Input;

/// <summary>
/// Reads a small secret file (a passphrase) that only its owner may read, refusing one that others
/// can, so a secret is never taken from a file that may already have leaked.
/// </summary>
internal static class SecretFile
{
    private const int MaximumLength = 1024;

    /// <summary>Reads the file as UTF-8 into a pinned char array the caller must zero; one trailing newline is dropped.</summary>
    public static char[] ReadUtf8Chars(string path, string field)
    {
        RequireOwnerOnly(path, field);
        var bytes = GC.AllocateArray<byte>(MaximumLength + 1, pinned: true);
        try
        {
            int length;
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
            {
                length = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            }

            if (length > MaximumLength)
            {
                throw new InvalidInputException(field, $"is longer than {MaximumLength} bytes");
            }

            if (length > 0 && bytes[length - 1] == (byte)'\n')
            {
                length--;
            }

            if (length > 0 && bytes[length - 1] == (byte)'\r')
            {
                length--;
            }

            var chars = GC.AllocateArray<char>(Encoding.UTF8.GetCharCount(bytes.AsSpan(0, length)), pinned: true);
            Encoding.UTF8.GetChars(bytes.AsSpan(0, length), chars);
            return chars;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static void RequireOwnerOnly(string path, string field)
    {
        if (!File.Exists(path))
        {
            throw new InvalidInputException(field, "names a file that does not exist");
        }

        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(path);
        const UnixFileMode othersOrGroup = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        if ((mode & othersOrGroup) != 0)
        {
            throw new InvalidInputException(field, $"must be readable by its owner only (chmod 600 {path})");
        }
    }
}
