using System.Security.Cryptography;
using HsmWallet.Core.Xrpl.Addresses;

namespace HsmWallet.Core.Xrpl.Keys;

/// <summary>
/// The hashes the XRPL key scheme is built on, kept in one place so derivation, signing and
/// addresses agree byte for byte.
/// </summary>
internal static class KeyHashing
{
    /// <summary>The length of a SHA-512Half digest.</summary>
    public const int Sha512HalfLength = 32;

    /// <summary>
    /// SHA-512Half: the first 32 bytes of SHA-512, the XRPL's general-purpose hash (key derivation,
    /// the digest secp256k1 signs).
    /// </summary>
    public static void Sha512Half(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (destination.Length < Sha512HalfLength)
        {
            throw new ArgumentException("SHA-512Half needs 32 bytes of room.", nameof(destination));
        }

        Span<byte> full = stackalloc byte[SHA512.HashSizeInBytes];
        try
        {
            SHA512.HashData(data, full);
            full[..Sha512HalfLength].CopyTo(destination);
        }
        finally
        {
            // Derivation hashes secrets: the unused half is as sensitive as the half we keep.
            CryptographicOperations.ZeroMemory(full);
        }
    }

    /// <summary>The account id of a public key: RIPEMD-160 of SHA-256, as the ledger computes it.</summary>
    public static AccountId AccountIdOf(ReadOnlySpan<byte> publicKey)
    {
        var sha = SHA256.HashData(publicKey);
        return AccountId.FromBytes(NBitcoin.Crypto.Hashes.RIPEMD160(sha));
    }
}
