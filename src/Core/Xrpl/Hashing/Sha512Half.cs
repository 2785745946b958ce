using System.Security.Cryptography;

namespace HsmWallet.Core.Xrpl.Hashing;

/// <summary>
/// SHA-512 truncated to its first 32 bytes: the one hash the XRPL uses for transaction ids, signing
/// digests and ledger objects.
/// </summary>
public static class Sha512Half
{
    /// <summary>The number of bytes in the result.</summary>
    public const int Length = 32;

    /// <summary>Hashes data into a new 32-byte array.</summary>
    public static byte[] Hash(ReadOnlySpan<byte> data)
    {
        var result = new byte[Length];
        Hash(data, result);
        return result;
    }

    /// <summary>Hashes data into the caller's buffer, for hot paths that must not allocate.</summary>
    /// <param name="data">The bytes to hash.</param>
    /// <param name="destination32">At least 32 bytes; the first 32 receive the hash.</param>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination32)
    {
        if (destination32.Length < Length)
        {
            throw new ArgumentException($"The destination needs {Length} bytes.", nameof(destination32));
        }

        Span<byte> full = stackalloc byte[SHA512.HashSizeInBytes];
        SHA512.HashData(data, full);
        full[..Length].CopyTo(destination32);
    }
}
