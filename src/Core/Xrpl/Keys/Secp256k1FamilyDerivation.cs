using System.Buffers.Binary;
using System.Security.Cryptography;
using NBitcoin.Secp256k1;

namespace HsmWallet.Core.Xrpl.Keys;

/// <summary>
/// The XRPL's own secp256k1 derivation from a family seed (rippled's generateKeyPair, ripple-keypairs):
/// the root (validator) key, and the account key that wallets sign with. Curve arithmetic is
/// NBitcoin.Secp256k1's (the public key: the engine in use, see Secp256k1Engines); this class only orders the hashes.
/// </summary>
internal static class Secp256k1FamilyDerivation
{
    private const int KeyLength = 32;
    private const int CompressedPublicKeyLength = 33;

    /// <summary>The root key: the first SHA-512Half(entropy || sequence) that is a valid scalar.</summary>
    public static void DeriveRootPrivateKey(ReadOnlySpan<byte> entropy, Span<byte> privateKey) =>
        DeriveScalar(entropy, discriminator: null, privateKey);

    /// <summary>
    /// The account key: root + intermediate (mod n), where intermediate is the first valid
    /// SHA-512Half(rootPublicKey || 0 || sequence); account family 0 as every XRPL wallet uses.
    /// </summary>
    public static void DeriveAccountPrivateKey(ReadOnlySpan<byte> entropy, Span<byte> privateKey)
    {
        Span<byte> root = stackalloc byte[KeyLength];
        Span<byte> rootPublicKey = stackalloc byte[CompressedPublicKeyLength];
        Span<byte> intermediate = stackalloc byte[KeyLength];
        try
        {
            DeriveRootPrivateKey(entropy, root);
            using var rootKey = Context.Instance.CreateECPrivKey(root);
            if (!Secp256k1Engines.Current.TryCreatePublicKey(root, rootPublicKey))
            {
                throw new CryptographicException("The root key for this seed is invalid.");
            }

            DeriveScalar(rootPublicKey, discriminator: 0, intermediate);
            if (!rootKey.TryTweakAdd(intermediate, out var accountKey) || accountKey is null)
            {
                throw new CryptographicException("The account key for this seed is invalid (probability below 2^-127).");
            }

            accountKey.WriteToSpan(privateKey);
            accountKey.Dispose();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(root);
            CryptographicOperations.ZeroMemory(intermediate);
        }
    }

    private static void DeriveScalar(ReadOnlySpan<byte> input, uint? discriminator, Span<byte> scalar)
    {
        var suffix = discriminator.HasValue ? 2 * sizeof(uint) : sizeof(uint);
        Span<byte> buffer = stackalloc byte[input.Length + suffix];
        try
        {
            input.CopyTo(buffer);
            if (discriminator.HasValue)
            {
                BinaryPrimitives.WriteUInt32BigEndian(buffer[input.Length..], discriminator.Value);
            }

            for (uint sequence = 0; ; sequence++)
            {
                BinaryPrimitives.WriteUInt32BigEndian(buffer[^sizeof(uint)..], sequence);
                KeyHashing.Sha512Half(buffer, scalar);
                if (Context.Instance.TryCreateECPrivKey(scalar, out var candidate))
                {
                    candidate.Dispose();
                    return;
                }

                if (sequence == uint.MaxValue)
                {
                    throw new CryptographicException("No valid secp256k1 scalar in 2^32 tries.");
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }
}
