using System.Security.Cryptography;

namespace HsmWallet.Core.Xrpl.Keys;

/// <summary>
/// The 16 secret bytes of a family seed and the key type its prefix names, held in a pinned buffer
/// that is zeroed on Dispose, so a seed read from a user never lingers in memory as text or as a
/// movable array.
/// </summary>
public sealed class DecodedSeed : IDisposable
{
    /// <summary>The number of entropy bytes in every XRPL family seed.</summary>
    public const int EntropyLength = 16;

    private readonly byte[] _entropy;
    private bool _disposed;

    private DecodedSeed(ReadOnlySpan<byte> entropy, KeyType keyType)
    {
        if (entropy.Length != EntropyLength)
        {
            throw new ArgumentException($"A family seed holds {EntropyLength} bytes of entropy, not {entropy.Length}.", nameof(entropy));
        }

        // Pinned: the garbage collector never copies it, so zeroing it erases the only copy.
        _entropy = GC.AllocateArray<byte>(EntropyLength, pinned: true);
        entropy.CopyTo(_entropy);
        KeyType = keyType;
    }

    /// <summary>Zeroes the entropy even when a caller forgot to dispose the seed.</summary>
    ~DecodedSeed() => CryptographicOperations.ZeroMemory(_entropy);

    /// <summary>The key type the seed's prefix names ("sEd..." is Ed25519, "s..." otherwise secp256k1).</summary>
    public KeyType KeyType { get; }

    /// <summary>The secret entropy, readable only until Dispose.</summary>
    public ReadOnlySpan<byte> Entropy
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _entropy;
        }
    }

    /// <summary>Wraps entropy the caller already holds (for instance from a decrypted vault record).</summary>
    public static DecodedSeed FromEntropy(ReadOnlySpan<byte> entropy, KeyType keyType) => new(entropy, keyType);

    /// <summary>Creates a new random seed from the operating system's CSPRNG, for a new wallet.</summary>
    public static DecodedSeed Generate(KeyType keyType)
    {
        Span<byte> entropy = stackalloc byte[EntropyLength];
        try
        {
            RandomNumberGenerator.Fill(entropy);
            return new DecodedSeed(entropy, keyType);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(entropy);
        }
    }

    /// <summary>Zeroes the entropy; every later read throws.</summary>
    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_entropy);
        GC.SuppressFinalize(this);
    }

    /// <summary>Lets tests prove the buffer is zero after Dispose without exposing it publicly.</summary>
    internal ReadOnlySpan<byte> RawBufferForTests => _entropy;
}
