using System.Security.Cryptography;
using HsmWallet.Core;
using HsmWallet.Core.Secrets;

namespace HsmWallet.KeyProviders.Recovery;

/// <summary>
/// The printed form of a recovery key: 160 random bits as 8 groups of 5 characters (4 data + 1 check) in
/// Crockford's base32, which has no I, L, O or U; reading maps O to 0 and I, L to 1, ignores case, spaces
/// and dashes, and a group check points at the group holding a typo.
/// </summary>
public static class RecoveryKeyFormat
{
    /// <summary>Random bytes in a recovery key (160 bits).</summary>
    public const int KeyLength = 20;

    /// <summary>Groups in the printed form.</summary>
    public const int GroupCount = 8;

    /// <summary>Length of the printed form: 8 groups of 5 and 7 dashes.</summary>
    public const int TextLength = (GroupCount * 5) + GroupCount - 1;

    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const int DataPerGroup = 4;

    /// <summary>Makes a new recovery key: the raw key and its printed form, both in zeroing buffers.</summary>
    public static (SecureBuffer Key, SecureBuffer Text) Generate()
    {
        var key = SecureBuffer.Random(KeyLength);
        var text = new SecureBuffer(TextLength);
        Span<byte> digits = stackalloc byte[GroupCount * DataPerGroup];
        try
        {
            ToDigits(key.ReadOnlySpan, digits);
            var output = text.Span;
            var position = 0;
            for (var group = 0; group < GroupCount; group++)
            {
                if (group > 0)
                {
                    output[position++] = (byte)'-';
                }

                var data = digits.Slice(group * DataPerGroup, DataPerGroup);
                foreach (var digit in data)
                {
                    output[position++] = (byte)Alphabet[digit];
                }

                output[position++] = (byte)Alphabet[CheckDigit(group, data)];
            }

            return (key, text);
        }
        catch
        {
            key.Dispose();
            text.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(digits);
        }
    }

    /// <summary>Reads a typed recovery key into its raw bytes; a wrong character or group check is invalid input naming the group.</summary>
    public static SecureBuffer Parse(ReadOnlySpan<byte> text)
    {
        Span<byte> digits = stackalloc byte[GroupCount * 5];
        var count = 0;
        try
        {
            foreach (var character in text)
            {
                if (character is (byte)'-' or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
                {
                    continue;
                }

                var value = DigitOf(character);
                if (value < 0)
                {
                    throw new InvalidInputException("recovery key", "holds a character outside the recovery alphabet");
                }

                if (count == digits.Length)
                {
                    throw new InvalidInputException("recovery key", "is too long: it has 8 groups of 5 characters");
                }

                digits[count++] = (byte)value;
            }

            if (count != digits.Length)
            {
                throw new InvalidInputException("recovery key", "is too short: it has 8 groups of 5 characters");
            }

            Span<byte> data = stackalloc byte[GroupCount * DataPerGroup];
            try
            {
                for (var group = 0; group < GroupCount; group++)
                {
                    var groupDigits = digits.Slice(group * 5, 5);
                    if (CheckDigit(group, groupDigits[..DataPerGroup]) != groupDigits[DataPerGroup])
                    {
                        throw new InvalidInputException("recovery key", $"group {group + 1} fails its check (a typo?)");
                    }

                    groupDigits[..DataPerGroup].CopyTo(data[(group * DataPerGroup)..]);
                }

                var key = new SecureBuffer(KeyLength);
                FromDigits(data, key.Span);
                return key;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(data);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(digits);
        }
    }

    private static int DigitOf(byte character)
    {
        var upper = character is >= (byte)'a' and <= (byte)'z' ? (char)(character - 32) : (char)character;
        upper = upper switch
        {
            'O' => '0',
            'I' or 'L' => '1',
            _ => upper,
        };
        return Alphabet.IndexOf(upper, StringComparison.Ordinal);
    }

    /// <summary>
    /// The group's check character: a weighted sum mod 32 with odd weights (each invertible mod 32), so every
    /// single mistyped character, in the data or the check itself, changes it, and so do nearly all swaps of
    /// neighbours; the group number is mixed in so a whole group typed in the wrong place fails too.
    /// </summary>
    private static byte CheckDigit(int group, ReadOnlySpan<byte> data)
    {
        var sum = 7 * (group + 1);
        for (var index = 0; index < data.Length; index++)
        {
            sum += ((2 * index) + 1) * data[index];
        }

        return (byte)(sum & 31);
    }

    private static void ToDigits(ReadOnlySpan<byte> bytes, Span<byte> digits)
    {
        var bit = 0;
        for (var i = 0; i < digits.Length; i++, bit += 5)
        {
            var value = 0;
            for (var j = 0; j < 5; j++)
            {
                var index = bit + j;
                value = (value << 1) | ((bytes[index / 8] >> (7 - (index % 8))) & 1);
            }

            digits[i] = (byte)value;
        }
    }

    private static void FromDigits(ReadOnlySpan<byte> digits, Span<byte> bytes)
    {
        bytes.Clear();
        var bit = 0;
        foreach (var digit in digits)
        {
            for (var j = 4; j >= 0; j--, bit++)
            {
                if (((digit >> j) & 1) != 0)
                {
                    bytes[bit / 8] |= (byte)(1 << (7 - (bit % 8)));
                }
            }
        }
    }
}
