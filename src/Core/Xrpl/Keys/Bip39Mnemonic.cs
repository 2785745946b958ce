using System.Security.Cryptography;

namespace HsmWallet.Core.Xrpl.Keys;

/// <summary>
/// BIP-39: English mnemonic words (checksum checked) and an optional passphrase to the 64-byte seed
/// BIP-32 starts from. Written over spans, with NBitcoin's word list, so neither the words nor the
/// passphrase ever become a string.
/// </summary>
internal static class Bip39Mnemonic
{
    /// <summary>The field name errors about the words carry.</summary>
    public const string WordsField = "mnemonic";

    /// <summary>The field name errors about the passphrase carry.</summary>
    public const string PassphraseField = "passphrase";

    /// <summary>The length of a BIP-39 seed.</summary>
    public const int SeedLength = 64;

    private const int MaximumWords = 24;
    private const int BitsPerWord = 11;
    private const int MaximumPassphraseLength = 1024;
    private const int Iterations = 2048;

    private static readonly string[] Words = [.. NBitcoin.Wordlist.English.GetWords()];
    private static readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> IndexOfWord = BuildIndex();

    /// <summary>
    /// Checks the words and derives the BIP-39 seed into <paramref name="seed"/> (64 bytes). Words
    /// are separated by any whitespace; they must be lower-case English BIP-39 words.
    /// </summary>
    public static void DeriveSeed(ReadOnlySpan<char> mnemonic, ReadOnlySpan<char> passphrase, Span<byte> seed)
    {
        if (seed.Length != SeedLength)
        {
            throw new ArgumentException("A BIP-39 seed is 64 bytes.", nameof(seed));
        }

        CheckPassphrase(passphrase);
        Span<int> indexes = stackalloc int[MaximumWords];
        Span<byte> packed = stackalloc byte[(MaximumWords * BitsPerWord + 7) / 8];
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        // The sentence PBKDF2 hashes: the canonical words joined by single spaces (ASCII, so NFKD is the identity).
        var sentence = GC.AllocateArray<byte>(MaximumWords * 9, pinned: true);
        var salt = GC.AllocateArray<byte>("mnemonic".Length + passphrase.Length, pinned: true);
        try
        {
            var count = LookUpWords(mnemonic, indexes);
            CheckChecksum(indexes[..count], packed, hash);

            var sentenceLength = 0;
            for (var i = 0; i < count; i++)
            {
                if (i > 0)
                {
                    sentence[sentenceLength++] = (byte)' ';
                }

                foreach (var c in Words[indexes[i]])
                {
                    sentence[sentenceLength++] = (byte)c;
                }
            }

            "mnemonic"u8.CopyTo(salt);
            for (var i = 0; i < passphrase.Length; i++)
            {
                salt["mnemonic".Length + i] = (byte)passphrase[i];
            }

            Rfc2898DeriveBytes.Pbkdf2(sentence.AsSpan(0, sentenceLength), salt, seed, Iterations, HashAlgorithmName.SHA512);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshalBytes(indexes));
            CryptographicOperations.ZeroMemory(packed);
            CryptographicOperations.ZeroMemory(hash);
            CryptographicOperations.ZeroMemory(sentence);
            CryptographicOperations.ZeroMemory(salt);
        }
    }

    private static Span<byte> MemoryMarshalBytes(Span<int> values) =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values);

    private static void CheckPassphrase(ReadOnlySpan<char> passphrase)
    {
        if (passphrase.Length > MaximumPassphraseLength)
        {
            throw new InvalidInputException(PassphraseField, $"is longer than {MaximumPassphraseLength} characters");
        }

        // BIP-39 hashes the NFKD form of the passphrase. This build runs with invariant globalization,
        // which has no Unicode normalization tables; deriving from an unnormalized non-ASCII passphrase
        // could silently yield a different wallet than other tools, so such passphrases are refused.
        foreach (var c in passphrase)
        {
            if (c >= 128)
            {
                throw new InvalidInputException(PassphraseField, "must be ASCII (non-ASCII passphrases need Unicode normalization, which is unavailable)");
            }
        }
    }

    private static int LookUpWords(ReadOnlySpan<char> mnemonic, Span<int> indexes)
    {
        var count = 0;
        var position = 0;
        while (true)
        {
            while (position < mnemonic.Length && char.IsWhiteSpace(mnemonic[position]))
            {
                position++;
            }

            if (position == mnemonic.Length)
            {
                break;
            }

            var start = position;
            while (position < mnemonic.Length && !char.IsWhiteSpace(mnemonic[position]))
            {
                position++;
            }

            if (count == MaximumWords)
            {
                throw new InvalidInputException(WordsField, "must have 12, 15, 18, 21 or 24 words");
            }

            if (!IndexOfWord.TryGetValue(mnemonic[start..position], out var index))
            {
                // The position helps the user find the typo; the word itself is never echoed.
                throw new InvalidInputException(WordsField, $"word {count + 1} is not in the BIP-39 English word list");
            }

            indexes[count++] = index;
        }

        if (count is not (12 or 15 or 18 or 21 or 24))
        {
            throw new InvalidInputException(WordsField, "must have 12, 15, 18, 21 or 24 words");
        }

        return count;
    }

    private static void CheckChecksum(ReadOnlySpan<int> indexes, Span<byte> packed, Span<byte> hash)
    {
        packed.Clear();
        var bit = 0;
        foreach (var index in indexes)
        {
            for (var b = BitsPerWord - 1; b >= 0; b--, bit++)
            {
                if (((index >> b) & 1) != 0)
                {
                    packed[bit / 8] |= (byte)(0x80 >> (bit % 8));
                }
            }
        }

        var entropyBits = indexes.Length * BitsPerWord * 32 / 33;
        var checksumBits = entropyBits / 32;
        var entropyBytes = entropyBits / 8;
        SHA256.HashData(packed[..entropyBytes], hash);

        var mask = (byte)(0xFF << (8 - checksumBits));
        if (((packed[entropyBytes] ^ hash[0]) & mask) != 0)
        {
            throw new InvalidInputException(WordsField, "has a wrong checksum (a mistyped or misordered word?)");
        }
    }

    private static Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> BuildIndex()
    {
        var index = new Dictionary<string, int>(Words.Length, StringComparer.Ordinal);
        for (var i = 0; i < Words.Length; i++)
        {
            index.Add(Words[i], i);
        }

        return index.GetAlternateLookup<ReadOnlySpan<char>>();
    }
}
