namespace HsmWallet.Core.Xrpl.Codec.Binary;

/// <summary>
/// The 1-to-3-byte prefix naming each field: type code and field number packed into nibbles when
/// both are below 16, spilling into extra bytes when not.
/// </summary>
internal static class FieldHeader
{
    /// <summary>Encodes a header; both numbers must be 1 to 255.</summary>
    public static byte[] Encode(int typeCode, int nth)
    {
        if (typeCode is < 1 or > 255 || nth is < 1 or > 255)
        {
            throw new ArgumentOutOfRangeException(nameof(typeCode), "Type code and field number must be 1 to 255.");
        }

        if (typeCode < 16)
        {
            return nth < 16 ? [(byte)((typeCode << 4) | nth)] : [(byte)(typeCode << 4), (byte)nth];
        }

        return nth < 16 ? [(byte)nth, (byte)typeCode] : [0, (byte)typeCode, (byte)nth];
    }

    /// <summary>Reads a header, refusing the non-canonical long forms the ledger refuses.</summary>
    /// <returns>(type code &lt;&lt; 16) | nth.</returns>
    public static int Read(ref BinaryCursor cursor)
    {
        var first = cursor.ReadByte("field header");
        var typeCode = first >> 4;
        var nth = first & 0x0F;
        if (typeCode == 0)
        {
            typeCode = cursor.ReadByte("field header");
            if (typeCode < 16)
            {
                throw new InvalidInputException("binary", "has a field header with a type code that should have been packed");
            }
        }

        if (nth == 0)
        {
            nth = cursor.ReadByte("field header");
            if (nth < 16)
            {
                throw new InvalidInputException("binary", "has a field header with a field number that should have been packed");
            }
        }

        return (typeCode << 16) | nth;
    }
}
