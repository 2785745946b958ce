using System.Globalization;
using System.Text;

namespace HsmWallet.Core;

/// <summary>
/// The one rule for text a human reads that the agent or the ledger chose (approval summaries, `approve list`,
/// logs, error lines): every character that is invisible or moves other text is shown as its code point,
/// `&lt;U+202E&gt;`, so a memo cannot draw a fake "Amount:" line (U+2028, U+2029, CR, LF), reverse what follows
/// (bidi controls), hide a word (zero-width and other format characters) or drive the terminal (C0, C1, DEL).
/// </summary>
public static class VisibleText
{
    /// <summary>
    /// <paramref name="text"/> with every control (Cc), format (Cf), line or paragraph separator (Zl, Zp),
    /// private-use (Co), unassigned (Cn) and unpaired surrogate code point written as <c>&lt;U+XXXX&gt;</c>;
    /// ordinary letters, digits, punctuation and spaces are kept. Idempotent: its output needs no second pass.
    /// </summary>
    public static string Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!NeedsEscaping(text))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        var index = 0;
        while (index < text.Length)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                // An unpaired surrogate: show the one code unit.
                Append(builder, text[index]);
                index++;
                continue;
            }

            if (IsHidden(rune))
            {
                Append(builder, rune.Value);
            }
            else
            {
                builder.Append(text, index, consumed);
            }

            index += consumed;
        }

        return builder.ToString();
    }

    /// <summary>True when <paramref name="rune"/> is one that <see cref="Of"/> makes visible.</summary>
    public static bool IsHidden(Rune rune) => Rune.GetUnicodeCategory(rune) is
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
        or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate;

    private static bool NeedsEscaping(string text)
    {
        foreach (var character in text)
        {
            // Printable ASCII is the common case and never escaped.
            if (character is < ' ' or > '~')
            {
                return true;
            }
        }

        return false;
    }

    private static void Append(StringBuilder builder, int codePoint) =>
        builder.Append("<U+").Append(codePoint.ToString("X4", CultureInfo.InvariantCulture)).Append('>');
}
