namespace HsmWallet.Core.Xrpl.Codec.Binary;

/// <summary>
/// The 1-to-3-byte length prefix of variable-length fields (blobs, accounts, hash lists): up to 192
/// in one byte, 12,480 in two, 918,744 in three.
/// </summary>
internal static class VariableLength
{
    /// <summary>The longest value a prefix can describe.</summary>
    public const int MaxLength = 918_744;

    /// <summary>Writes the prefix for a length and returns how many bytes it took.</summary>
    /// <param name="length">0 to <see cref="MaxLength"/>.</param>
    /// <param name="destination">At least 3 bytes.</param>
    /// <param name="field">Names the value in an error.</param>
    public static int Encode(int length, Span<byte> destination, string field)
    {
        if (length <= 192)
        {
            destination[0] = (byte)length;
            return 1;
        }

        if (length <= 12_480)
        {
            var rest = length - 193;
            destination[0] = (byte)(193 + (rest >> 8));
            destination[1] = (byte)rest;
            return 2;
        }

        if (length <= MaxLength)
        {
            var rest = length - 12_481;
            destination[0] = (byte)(241 + (rest >> 16));
            destination[1] = (byte)(rest >> 8);
            destination[2] = (byte)rest;
            return 3;
        }

        throw new InvalidInputException(field, "is longer than the 918744 bytes a field can hold");
    }

    /// <summary>Reads a prefix.</summary>
    public static int Read(ref BinaryCursor cursor, string field)
    {
        var first = cursor.ReadByte(field);
        if (first <= 192)
        {
            return first;
        }

        if (first <= 240)
        {
            return 193 + ((first - 193) * 256) + cursor.ReadByte(field);
        }

        if (first <= 254)
        {
            var second = cursor.ReadByte(field);
            var third = cursor.ReadByte(field);
            return 12_481 + ((first - 241) * 65_536) + (second * 256) + third;
        }

        throw new InvalidInputException(field, "has an invalid length prefix");
    }
}
