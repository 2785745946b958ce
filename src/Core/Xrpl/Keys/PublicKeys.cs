using HsmWallet.Core.Xrpl.Addresses;
using NBitcoin.Secp256k1;

namespace HsmWallet.Core.Xrpl.Keys;

/// <summary>
/// Validates XRPL public keys (33 bytes: a compressed secp256k1 point, or 0xED and an Ed25519 key)
/// and maps them to accounts, so a key from a transaction or a user is checked before it is trusted.
/// </summary>
public static class PublicKeys
{
    /// <summary>The field name errors carry unless the caller names another.</summary>
    public const string DefaultField = "public_key";

    /// <summary>The length of every XRPL public key.</summary>
    public const int Length = 33;

    /// <summary>The first byte that marks an Ed25519 key.</summary>
    public const byte Ed25519Prefix = 0xED;

    /// <summary>Tells which scheme a public key belongs to; refuses anything that is not a valid key.</summary>
    public static KeyType KeyTypeOf(ReadOnlySpan<byte> publicKey) => KeyTypeOf(publicKey, DefaultField);

    /// <summary>Tells which scheme a public key belongs to, naming <paramref name="field"/> in any error.</summary>
    public static KeyType KeyTypeOf(ReadOnlySpan<byte> publicKey, string field)
    {
        if (publicKey.Length != Length)
        {
            throw new InvalidInputException(field, "must be 33 bytes (a compressed secp256k1 key or 0xED and an Ed25519 key)");
        }

        if (publicKey[0] == Ed25519Prefix)
        {
            // As rippled: the prefix and length decide; verification rejects keys that are not points.
            return KeyType.Ed25519;
        }

        if (publicKey[0] is 0x02 or 0x03)
        {
            if (!Context.Instance.TryCreatePubKey(publicKey, out _))
            {
                throw new InvalidInputException(field, "is not a point on the secp256k1 curve");
            }

            return KeyType.Secp256k1;
        }

        throw new InvalidInputException(field, "must start with 0x02 or 0x03 (secp256k1) or 0xED (Ed25519)");
    }

    /// <summary>The account a public key controls by default (before any regular key or multisigning).</summary>
    public static AccountId ToAccountId(ReadOnlySpan<byte> publicKey) => ToAccountId(publicKey, DefaultField);

    /// <summary>The account a public key controls, naming <paramref name="field"/> in any error.</summary>
    public static AccountId ToAccountId(ReadOnlySpan<byte> publicKey, string field)
    {
        KeyTypeOf(publicKey, field);
        return KeyHashing.AccountIdOf(publicKey);
    }

    /// <summary>Tells whether bytes are a valid XRPL public key, for checks that must not throw.</summary>
    public static bool IsValid(ReadOnlySpan<byte> publicKey)
    {
        try
        {
            KeyTypeOf(publicKey);
            return true;
        }
        catch (InvalidInputException)
        {
            return false;
        }
    }
}
