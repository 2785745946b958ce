using System.Security.Cryptography;
using HsmWallet.Core;
using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.Cli.Input;

/// <summary>
/// Turns a secret typed or piped by the operator (a family seed or BIP-39 words) into a signing key,
/// one way for every offline verb, with every intermediate buffer zeroed.
/// </summary>
internal static class KeyMaterial
{
    /// <summary>Derives the key; a family seed's own prefix decides its key type unless <paramref name="keyType"/> overrides it.</summary>
    public static XrplSigningKey FromSecret(SecretInput secret, KeyType? keyType, string? path, string? passphraseFile)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var text = secret.Bytes;
        if (LooksLikeFamilySeed(text))
        {
            if (path is not null)
            {
                throw new InvalidInputException("--path", "applies only to BIP-39 mnemonics, not to a family seed");
            }

            if (passphraseFile is not null)
            {
                throw new InvalidInputException("--passphrase-file", "applies only to BIP-39 mnemonics, not to a family seed");
            }

            using var seed = FamilySeed.Decode(text);
            if (keyType is not { } chosen || chosen == seed.KeyType)
            {
                return XrplSigningKey.FromSeed(seed);
            }

            using var overridden = DecodedSeed.FromEntropy(seed.Entropy, chosen);
            return XrplSigningKey.FromSeed(overridden);
        }

        if (keyType == KeyType.Ed25519)
        {
            throw new InvalidInputException("--key-type", "ed25519 is not available for mnemonics: BIP-32 derives secp256k1 keys only");
        }

        var bip44Path = path is null ? Bip44Path.Default : Bip44Path.Parse(path);
        var words = GC.AllocateArray<char>(text.Length, pinned: true);
        var passphrase = passphraseFile is null ? [] : SecretFile.ReadUtf8Chars(passphraseFile, "--passphrase-file");
        try
        {
            var length = NormalizeWords(text, words);
            return XrplSigningKey.FromMnemonic(words.AsSpan(0, length), passphrase, bip44Path);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(MemoryMarshalBytes(words));
            CryptographicOperations.ZeroMemory(MemoryMarshalBytes(passphrase));
        }
    }

    /// <summary>The --key-type value when given (<see cref="KeyTypes.Parse"/>, naming the option when it is wrong), else null.</summary>
    public static KeyType? KeyTypeOption(string? text) => text is null ? null : KeyTypes.Parse(text, "--key-type");

    private static bool LooksLikeFamilySeed(ReadOnlySpan<byte> text) =>
        text.Length > 0 && text[0] == (byte)'s' && text.IndexOfAny(" \t\r\n"u8) < 0;

    /// <summary>Lower-cases ASCII words and joins them with single spaces, as BIP-39 expects.</summary>
    private static int NormalizeWords(ReadOnlySpan<byte> text, Span<char> destination)
    {
        var length = 0;
        var pendingSpace = false;
        foreach (var value in text)
        {
            if (SecretInput.IsWhiteSpace(value))
            {
                pendingSpace = length > 0;
                continue;
            }

            if (value > 0x7F)
            {
                throw new InvalidInputException("mnemonic", "must use the English BIP-39 word list (ASCII letters only)");
            }

            if (pendingSpace)
            {
                destination[length++] = ' ';
                pendingSpace = false;
            }

            destination[length++] = char.ToLowerInvariant((char)value);
        }

        return length;
    }

    private static Span<byte> MemoryMarshalBytes(char[] chars) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(chars.AsSpan());
}
