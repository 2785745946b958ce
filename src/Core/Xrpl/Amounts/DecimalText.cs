namespace HsmWallet.Core.Xrpl.Amounts;

/// <summary>
/// Splits decimal text ("-12.50e3") into sign, significant digits and a power of ten, so every
/// amount rule works on exact integers and no value ever passes through floating point.
/// </summary>
internal readonly struct DecimalText
{
    /// <summary>Longest text accepted; real amounts are far shorter, and this bounds the work done.</summary>
    public const int MaxLength = 256;

    private DecimalText(bool isNegative, string digits, long exponent, bool hasSign, bool hasFraction, bool hasExponent)
    {
        IsNegative = isNegative;
        Digits = digits;
        Exponent = exponent;
        HasSign = hasSign;
        HasFraction = hasFraction;
        HasExponent = hasExponent;
    }

    /// <summary>True when the text began with '-'.</summary>
    public bool IsNegative { get; }

    /// <summary>The significant digits, without leading or trailing zeros; empty for zero.</summary>
    public string Digits { get; }

    /// <summary>The value is <see cref="Digits"/> times ten to this power.</summary>
    public long Exponent { get; }

    /// <summary>True when the text carried a '+' or '-'.</summary>
    public bool HasSign { get; }

    /// <summary>True when the text had a decimal point.</summary>
    public bool HasFraction { get; }

    /// <summary>True when the text had an 'e' exponent.</summary>
    public bool HasExponent { get; }

    /// <summary>True when the value is zero, whatever its sign or spelling.</summary>
    public bool IsZero => Digits.Length == 0;

    /// <summary>
    /// Reads <c>[+-]digits[.digits][(e|E)[+-]digits]</c>; anything else (spaces, hex, "NaN", ".5")
    /// fails, so a typo can never be read as some other number.
    /// </summary>
    public static bool TryParse(string text, out DecimalText result)
    {
        result = default;
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength)
        {
            return false;
        }

        var position = 0;
        var negative = false;
        var hasSign = false;
        if (text[0] is '-' or '+')
        {
            negative = text[0] == '-';
            hasSign = true;
            position = 1;
        }

        var integerStart = position;
        while (position < text.Length && char.IsAsciiDigit(text[position]))
        {
            position++;
        }

        var integerPart = text.AsSpan(integerStart, position - integerStart);
        if (integerPart.IsEmpty)
        {
            return false;
        }

        var fractionPart = ReadOnlySpan<char>.Empty;
        var hasFraction = false;
        if (position < text.Length && text[position] == '.')
        {
            hasFraction = true;
            position++;
            var fractionStart = position;
            while (position < text.Length && char.IsAsciiDigit(text[position]))
            {
                position++;
            }

            fractionPart = text.AsSpan(fractionStart, position - fractionStart);
            if (fractionPart.IsEmpty)
            {
                return false;
            }
        }

        long exponent = 0;
        var hasExponent = false;
        if (position < text.Length && text[position] is 'e' or 'E')
        {
            hasExponent = true;
            position++;
            var exponentNegative = false;
            if (position < text.Length && text[position] is '-' or '+')
            {
                exponentNegative = text[position] == '-';
                position++;
            }

            var exponentStart = position;
            while (position < text.Length && char.IsAsciiDigit(text[position]))
            {
                // Saturate: any exponent this large is out of every range, and must not wrap around.
                exponent = Math.Min((exponent * 10) + (text[position] - '0'), 1_000_000_000);
                position++;
            }

            if (position == exponentStart)
            {
                return false;
            }

            exponent = exponentNegative ? -exponent : exponent;
        }

        if (position != text.Length)
        {
            return false;
        }

        // Significant digits: integer and fraction digits joined, leading and trailing zeros removed.
        Span<char> joined = stackalloc char[integerPart.Length + fractionPart.Length];
        integerPart.CopyTo(joined);
        fractionPart.CopyTo(joined[integerPart.Length..]);
        exponent -= fractionPart.Length;
        var first = 0;
        while (first < joined.Length && joined[first] == '0')
        {
            first++;
        }

        var last = joined.Length;
        while (last > first && joined[last - 1] == '0')
        {
            last--;
            exponent++;
        }

        var digits = first == last ? string.Empty : new string(joined[first..last]);
        result = new DecimalText(negative, digits, digits.Length == 0 ? 0 : exponent, hasSign, hasFraction, hasExponent);
        return true;
    }
}
