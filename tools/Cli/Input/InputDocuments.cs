using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Core;
using HsmWallet.Core.Xrpl.Transactions;

namespace HsmWallet.Cli.Input;

/// <summary>
/// Reads the non-secret documents the verbs take (transaction JSON, blobs), naming the option or
/// file in every error so the operator knows which input to fix.
/// </summary>
internal static class InputDocuments
{
    /// <summary>Longest document accepted; a transaction is a few kilobytes at most.</summary>
    public const int MaximumLength = 1024 * 1024;

    /// <summary>Reads a JSON object from a file, or from stdin when the path is "-".</summary>
    public static JsonObject ReadJsonObject(CliContext context, string path, string field)
    {
        var text = ReadText(context, path, field);
        return TransactionJson.ParseObject(text, field);
    }

    /// <summary>Reads a hex blob from an argument, or from stdin when it is "-" or absent.</summary>
    public static byte[] ReadHex(CliContext context, string? argument, string field)
    {
        var text = (argument is null or "-" ? ReadText(context, "-", field) : argument).Trim();
        if (text.Length == 0 || text.Length % 2 != 0 || !text.All(Uri.IsHexDigit))
        {
            throw new InvalidInputException(field, "must be a non-empty, even number of hexadecimal digits");
        }

        return Convert.FromHexString(text);
    }

    /// <summary>Reads a whole text input, refusing one larger than <see cref="MaximumLength"/>.</summary>
    public static string ReadText(CliContext context, string path, string field)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using var stream = path == "-" ? context.OpenInput() : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var buffer = new byte[MaximumLength + 1];
            var length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (length > MaximumLength)
            {
                throw new InvalidInputException(field, $"is larger than {MaximumLength} bytes");
            }

            return new UTF8Encoding(false, true).GetString(buffer, 0, length);
        }
        catch (FileNotFoundException)
        {
            throw new InvalidInputException(field, $"file {path} does not exist");
        }
        catch (DirectoryNotFoundException)
        {
            throw new InvalidInputException(field, $"file {path} does not exist");
        }
        catch (UnauthorizedAccessException)
        {
            throw new InvalidInputException(field, $"file {path} cannot be read (permissions)");
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidInputException(field, "is not UTF-8 text");
        }
    }
}
