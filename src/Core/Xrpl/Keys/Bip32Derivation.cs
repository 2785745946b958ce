using System.Buffers.Binary;
using System.Security.Cryptography;
using NBitcoin.Secp256k1;

namespace HsmWallet.Core.Xrpl.Keys;

/// <summary>
/// BIP-32 private derivation from a BIP-39 seed along a path: HMAC-SHA512 from .NET and scalar
/// addition from NBitcoin.Secp256k1, over zeroed stack buffers, so no key ever sits in an object
/// that cannot be wiped.
/// </summary>
internal static class Bip32Derivation
{
    private const int KeyLength = 32;

    /// <summary>Derives the private key at <paramref name="path"/> into <paramref name="privateKey"/> (32 bytes).</summary>
    public static void DerivePrivateKey(ReadOnlySpan<byte> seed, ReadOnlySpan<uint> path, Span<byte> privateKey)
    {
        if (privateKey.Length != KeyLength)
        {
            throw new ArgumentException("A secp256k1 private key is 32 bytes.", nameof(privateKey));
        }

        Span<byte> key = stackalloc byte[KeyLength];
        Span<byte> chainCode = stackalloc byte[KeyLength];
        Span<byte> digest = stackalloc byte[HMACSHA512.HashSizeInBytes];
        Span<byte> data = stackalloc byte[1 + KeyLength + sizeof(uint)];
        try
        {
            HMACSHA512.HashData("Bitcoin seed"u8, seed, digest);
            if (!Context.Instance.TryCreateECPrivKey(digest[..KeyLength], out var master))
            {
                throw new CryptographicException("The BIP-32 master key is invalid for this seed (probability below 2^-127).");
            }

            master.Dispose();
            digest[..KeyLength].CopyTo(key);
            digest[KeyLength..].CopyTo(chainCode);

            foreach (var child in path)
            {
                using var parent = Context.Instance.CreateECPrivKey(key);
                if ((child & Bip44Path.HardenedFlag) != 0)
                {
                    data[0] = 0;
                    key.CopyTo(data[1..]);
                }
                else
                {
                    parent.CreatePubKey().WriteToSpan(true, data, out _);
                }

                BinaryPrimitives.WriteUInt32BigEndian(data[(1 + KeyLength)..], child);
                HMACSHA512.HashData(chainCode, data, digest);
                if (!parent.TryTweakAdd(digest[..KeyLength], out var derived) || derived is null)
                {
                    throw new CryptographicException("A BIP-32 child key is invalid on this path (probability below 2^-127).");
                }

                derived.WriteToSpan(key);
                derived.Dispose();
                digest[KeyLength..].CopyTo(chainCode);
            }

            key.CopyTo(privateKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(chainCode);
            CryptographicOperations.ZeroMemory(digest);
            CryptographicOperations.ZeroMemory(data);
        }
    }
}
