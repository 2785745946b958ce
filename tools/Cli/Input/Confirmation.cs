using System.Text;

namespace HsmWallet.Cli.Input;

/// <summary>
/// The one "type yes" question every CLI confirmation asks: the prompt goes to stderr and the answer is read as
/// bytes from the command's stdin (the terminal), at most one short line, so a long paste cannot grow it.
/// </summary>
internal static class Confirmation
{
    /// <summary>Longest answer read; anything longer is not "yes" anyway.</summary>
    private const int MaximumAnswer = 64;

    /// <summary>Shows <paramref name="question"/> and returns true only when the person typed exactly "yes" (surrounding spaces aside); end of input is a no.</summary>
    public static bool AskYes(CliContext context, string question)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Error.Write(question);
        context.Error.Flush();
        using var input = context.OpenInput();
        Span<byte> answer = stackalloc byte[MaximumAnswer];
        var length = 0;
        var tooLong = false;
        Span<byte> one = stackalloc byte[1];
        while (input.Read(one) == 1 && one[0] != (byte)'\n')
        {
            if (length == MaximumAnswer)
            {
                tooLong = true;
                continue;
            }

            answer[length++] = one[0];
        }

        return !tooLong && string.Equals(Encoding.UTF8.GetString(answer[..length]).Trim(), "yes", StringComparison.Ordinal);
    }
}
