namespace HsmWallet.Core.Xrpl.Keys;

/// <summary>
/// Reads a DER ECDSA signature exactly as rippled's ecdsaCanonicality does, so a signature this
/// wallet accepts is one the ledger accepts: minimal DER, positive R and S below the curve order.
/// </summary>
internal static class EcdsaSignatureEncoding
{
    /// <summary>The length of r || s, the compact form NBitcoin.Secp256k1 reads.</summary>
    public const int CompactLength = 64;

    private const int ScalarLength = 32;

    // The secp256k1 group order n, and floor(n / 2): the bound of a low-S ("fully canonical") signature.
    private static ReadOnlySpan<byte> Order =>
    [
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE,
        0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48, 0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41,
    ];

    private static ReadOnlySpan<byte> HalfOrder =>
    [
        0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0x5D, 0x57, 0x6E, 0x73, 0x57, 0xA4, 0x50, 0x1D, 0xDF, 0xE9, 0x2F, 0x46, 0x68, 0x1B, 0x20, 0xA0,
    ];

    /// <summary>
    /// Parses a strict DER signature into r || s (64 bytes). Returns false for anything rippled
    /// would not call canonical; <paramref name="isLowS"/> tells whether it is also fully canonical.
    /// </summary>
    public static bool TryParseStrictDer(ReadOnlySpan<byte> der, Span<byte> compact, out bool isLowS)
    {
        isLowS = false;
        // 30 len 02 lenR R 02 lenS S, with R and S of 1 to 33 bytes.
        if (der.Length is < 8 or > 72 || der[0] != 0x30 || der[1] != der.Length - 2)
        {
            return false;
        }

        var rest = der[2..];
        if (!TryReadInteger(ref rest, compact[..ScalarLength])
            || !TryReadInteger(ref rest, compact[ScalarLength..CompactLength])
            || !rest.IsEmpty)
        {
            return false;
        }

        var r = compact[..ScalarLength];
        var s = compact[ScalarLength..CompactLength];
        if (r.SequenceCompareTo(Order) >= 0 || s.SequenceCompareTo(Order) >= 0)
        {
            return false;
        }

        isLowS = s.SequenceCompareTo(HalfOrder) <= 0;
        return true;
    }

    // rippled's sigPart: 02 len value, value 1..33 bytes, not negative, not zero, not zero-padded.
    private static bool TryReadInteger(ref ReadOnlySpan<byte> buffer, Span<byte> scalar)
    {
        if (buffer.Length < 3 || buffer[0] != 0x02)
        {
            return false;
        }

        int length = buffer[1];
        buffer = buffer[2..];
        if (length < 1 || length > ScalarLength + 1 || length > buffer.Length)
        {
            return false;
        }

        var value = buffer[..length];
        if ((value[0] & 0x80) != 0)
        {
            return false;
        }

        if (value[0] == 0)
        {
            if (length == 1 || (value[1] & 0x80) == 0)
            {
                return false;
            }

            value = value[1..];
        }

        if (value.Length > ScalarLength)
        {
            return false;
        }

        scalar.Clear();
        value.CopyTo(scalar[(ScalarLength - value.Length)..]);
        buffer = buffer[length..];
        return true;
    }
}
