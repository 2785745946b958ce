using System.Security.Cryptography;
using HsmWallet.Core.Xrpl.Encoding;

namespace HsmWallet.Core.Xrpl.Keys;

/// <summary>
/// The XRPL family seed text ("s..." for secp256k1, "sEd..." for Ed25519): how wallets back up and
/// import keys, so it must round-trip exactly and refuse anything mistyped without echoing it.
/// </summary>
public static class FamilySeed
{
    /// <summary>The field name errors carry; never the seed itself.</summary>
    public const string Field = "seed";

    // Anything longer cannot be a seed (they are 29 or 31 characters); refusing early bounds the work.
    private const int MaximumTextLength = 64;

    private static readonly byte[] Secp256k1Prefix = [0x21];
    private static readonly byte[] Ed25519Prefix = [0x01, 0xE1, 0x4B];

    /// <summary>Encodes 16 bytes of entropy as seed text for the given key type.</summary>
    public static string Encode(ReadOnlySpan<byte> entropy, KeyType keyType)
    {
        if (entropy.Length != DecodedSeed.EntropyLength)
        {
            throw new ArgumentException($"A family seed holds {DecodedSeed.EntropyLength} bytes of entropy, not {entropy.Length}.", nameof(entropy));
        }

        var prefix = PrefixOf(keyType);
        Span<byte> payload = stackalloc byte[prefix.Length + DecodedSeed.EntropyLength];
        try
        {
            prefix.CopyTo(payload);
            entropy.CopyTo(payload[prefix.Length..]);
            return XrplBase58.EncodeChecked(payload);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(payload);
        }
    }

    /// <summary>
    /// Decodes seed text held in characters (surrounding whitespace, such as a trailing newline, is
    /// ignored); the key type comes from the prefix.
    /// </summary>
    public static DecodedSeed Decode(ReadOnlySpan<char> text)
    {
        var trimmed = text.Trim();
        CheckLength(trimmed.Length);
        return FromPayload(XrplBase58.DecodeChecked(trimmed, Field));
    }

    /// <summary>Decodes seed text held as ASCII bytes, as read from stdin or a file, without making a string.</summary>
    public static DecodedSeed Decode(ReadOnlySpan<byte> asciiText)
    {
        var trimmed = asciiText.Trim(" \t\r\n"u8);
        CheckLength(trimmed.Length);
        return FromPayload(XrplBase58.DecodeChecked(trimmed, Field));
    }

    /// <summary>Tells whether text is a well-formed family seed, for input sniffing that must not throw.</summary>
    public static bool IsFamilySeed(ReadOnlySpan<char> text)
    {
        try
        {
            using var seed = Decode(text);
            return true;
        }
        catch (InvalidInputException)
        {
            return false;
        }
    }

    private static void CheckLength(int length)
    {
        if (length == 0)
        {
            throw new InvalidInputException(Field, "is empty");
        }

        if (length > MaximumTextLength)
        {
            throw new InvalidInputException(Field, "is too long to be a family seed");
        }
    }

    private static DecodedSeed FromPayload(byte[] payload)
    {
        try
        {
            if (payload.Length == Secp256k1Prefix.Length + DecodedSeed.EntropyLength
                && payload.AsSpan().StartsWith(Secp256k1Prefix))
            {
                return DecodedSeed.FromEntropy(payload.AsSpan(Secp256k1Prefix.Length), KeyType.Secp256k1);
            }

            if (payload.Length == Ed25519Prefix.Length + DecodedSeed.EntropyLength
                && payload.AsSpan().StartsWith(Ed25519Prefix))
            {
                return DecodedSeed.FromEntropy(payload.AsSpan(Ed25519Prefix.Length), KeyType.Ed25519);
            }

            throw new InvalidInputException(Field, "is not a family seed (wrong prefix or length; an address or a key?)");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(payload);
        }
    }

    private static ReadOnlySpan<byte> PrefixOf(KeyType keyType) => keyType switch
    {
        KeyType.Secp256k1 => Secp256k1Prefix,
        KeyType.Ed25519 => Ed25519Prefix,
        _ => throw new ArgumentOutOfRangeException(nameof(keyType), keyType, "Unknown key type."),
    };
}
