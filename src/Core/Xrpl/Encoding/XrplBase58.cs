using System.Security.Cryptography;

namespace HsmWallet.Core.Xrpl.Encoding;

/// <summary>
/// Base58 with the XRPL alphabet and a four-byte double-SHA-256 checksum: the text form of every
/// address, seed and public key the ledger shows to people, so one typo is caught before it costs money.
/// </summary>
public static class XrplBase58
{
    /// <summary>The XRPL alphabet; it differs from Bitcoin's, so an address of one never parses as the other.</summary>
    public const string Alphabet = "rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz";

    private const int ChecksumLength = 4;
    private static readonly sbyte[] DigitOf = BuildDigitTable();

    /// <summary>Encodes bytes with their checksum appended: the form the ledger's tools expect.</summary>
    public static string EncodeChecked(ReadOnlySpan<byte> payload)
    {
        var buffer = new byte[payload.Length + ChecksumLength];
        try
        {
            payload.CopyTo(buffer);
            Checksum(payload, buffer.AsSpan(payload.Length));
            return Encode(buffer);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>
    /// Decodes text and verifies its checksum; the caller owns (and for secrets must zero) the result.
    /// </summary>
    /// <param name="text">The base58 text.</param>
    /// <param name="field">Names the input in any error, since the text itself may be secret.</param>
    public static byte[] DecodeChecked(string text, string field)
    {
        ArgumentNullException.ThrowIfNull(text);
        return DecodeChecked(text.AsSpan(), field);
    }

    /// <summary>
    /// Decodes text held in characters and verifies its checksum, so secret text (a seed) never has
    /// to become an immutable string; the caller owns and must zero the result.
    /// </summary>
    /// <param name="text">The base58 text.</param>
    /// <param name="field">Names the input in any error, since the text itself may be secret.</param>
    public static byte[] DecodeChecked(ReadOnlySpan<char> text, string field) =>
        VerifyChecksum(Decode(text, field), field);

    /// <summary>
    /// Decodes ASCII text held in bytes (as read from stdin or a file) and verifies its checksum,
    /// so secret text never has to become a string; the caller owns and must zero the result.
    /// </summary>
    /// <param name="asciiText">The base58 text, one ASCII byte per character.</param>
    /// <param name="field">Names the input in any error, since the text itself may be secret.</param>
    public static byte[] DecodeChecked(ReadOnlySpan<byte> asciiText, string field) =>
        VerifyChecksum(Decode(asciiText, field), field);

    /// <summary>Encodes bytes without a checksum; leading zero bytes become leading 'r's.</summary>
    public static string Encode(ReadOnlySpan<byte> data)
    {
        var leadingZeros = 0;
        while (leadingZeros < data.Length && data[leadingZeros] == 0)
        {
            leadingZeros++;
        }

        // log(256) / log(58) < 1.37: enough base-58 digits for any input.
        var digits = new byte[(data.Length - leadingZeros) * 137 / 100 + 1];
        var length = 0;
        for (var i = leadingZeros; i < data.Length; i++)
        {
            int carry = data[i];
            var j = 0;
            for (; j < length || carry != 0; j++)
            {
                carry += 256 * digits[j];
                digits[j] = (byte)(carry % 58);
                carry /= 58;
            }

            length = j;
        }

        var chars = new char[leadingZeros + length];
        chars.AsSpan(0, leadingZeros).Fill(Alphabet[0]);
        for (var k = 0; k < length; k++)
        {
            chars[leadingZeros + k] = Alphabet[digits[length - 1 - k]];
        }

        CryptographicOperations.ZeroMemory(digits);
        return new string(chars);
    }

    /// <summary>Decodes text without checking a checksum; rejects any character outside the alphabet.</summary>
    public static byte[] Decode(string text, string field)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Decode(text.AsSpan(), field);
    }

    /// <summary>Decodes characters without checking a checksum, for callers that keep text out of strings.</summary>
    public static byte[] Decode(ReadOnlySpan<char> text, string field) =>
        DecodeCore(text, default, useBytes: false, field);

    /// <summary>Decodes ASCII bytes without checking a checksum, for text read as bytes.</summary>
    public static byte[] Decode(ReadOnlySpan<byte> asciiText, string field) =>
        DecodeCore(default, asciiText, useBytes: true, field);

    private static byte[] VerifyChecksum(byte[] raw, string field)
    {
        try
        {
            if (raw.Length < ChecksumLength + 1)
            {
                throw new InvalidInputException(field, "is too short to hold a base58 checksum");
            }

            Span<byte> expected = stackalloc byte[ChecksumLength];
            var payload = raw.AsSpan(0, raw.Length - ChecksumLength);
            Checksum(payload, expected);
            if (!CryptographicOperations.FixedTimeEquals(expected, raw.AsSpan(payload.Length)))
            {
                throw new InvalidInputException(field, "has a wrong base58 checksum (a typo?)");
            }

            return payload.ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    // One decoder for both text forms: exactly one of chars and bytes is used, chosen by useBytes.
    private static byte[] DecodeCore(ReadOnlySpan<char> chars, ReadOnlySpan<byte> bytes, bool useBytes, string field)
    {
        var textLength = useBytes ? bytes.Length : chars.Length;
        if (textLength == 0)
        {
            throw new InvalidInputException(field, "is empty");
        }

        var leadingZeros = 0;
        while (leadingZeros < textLength && (useBytes ? bytes[leadingZeros] : chars[leadingZeros]) == Alphabet[0])
        {
            leadingZeros++;
        }

        // log(58) / log(256) < 0.733: enough bytes for any input.
        var decoded = new byte[(textLength - leadingZeros) * 733 / 1000 + 1];
        var length = 0;
        try
        {
            for (var i = leadingZeros; i < textLength; i++)
            {
                int c = useBytes ? bytes[i] : chars[i];
                int digit = c < 128 ? DigitOf[c] : -1;
                if (digit < 0)
                {
                    throw new InvalidInputException(field, "holds a character outside the XRPL base58 alphabet");
                }

                var carry = digit;
                var j = 0;
                for (; j < length || carry != 0; j++)
                {
                    carry += 58 * decoded[j];
                    decoded[j] = (byte)carry;
                    carry >>= 8;
                }

                length = j;
            }

            var result = new byte[leadingZeros + length];
            for (var k = 0; k < length; k++)
            {
                result[leadingZeros + k] = decoded[length - 1 - k];
            }

            return result;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(decoded);
        }
    }

    private static void Checksum(ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(payload, hash);
        SHA256.HashData(hash, hash);
        hash[..ChecksumLength].CopyTo(destination);
        CryptographicOperations.ZeroMemory(hash);
    }

    private static sbyte[] BuildDigitTable()
    {
        var table = new sbyte[128];
        Array.Fill(table, (sbyte)-1);
        for (var i = 0; i < Alphabet.Length; i++)
        {
            table[Alphabet[i]] = (sbyte)i;
        }

        return table;
    }
}
