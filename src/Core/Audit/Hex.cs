namespace HsmWallet.Core.Audit;

/// <summary>Decodes the lowercase hex the audit files use, straight from UTF-8 bytes without allocating.</summary>
internal static class Hex
{
    public static bool TryDecodeLower(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        if (text.Length != destination.Length * 2)
        {
            return false;
        }

        for (var i = 0; i < destination.Length; i++)
        {
            var high = Nibble(text[2 * i]);
            var low = Nibble(text[(2 * i) + 1]);
            if ((high | low) < 0)
            {
                return false;
            }

            destination[i] = (byte)((high << 4) | low);
        }

        return true;
    }

    private static int Nibble(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        _ => -1,
    };
}
