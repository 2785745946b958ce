using System.Security.Cryptography;
using NBitcoin.Secp256k1;

namespace HsmWallet.Core.Xrpl.Keys;

/// <summary>
/// The default engine: NBitcoin.Secp256k1, a managed port of libsecp256k1 (constant-time design), so Core signs
/// everywhere with no native library; about 10x slower than the native library.
/// </summary>
public sealed class ManagedSecp256k1Engine : ISecp256k1Engine
{
    /// <summary>The one instance; the engine holds no state of its own.</summary>
    public static ManagedSecp256k1Engine Instance { get; } = new();

    private ManagedSecp256k1Engine()
    {
    }

    /// <inheritdoc/>
    public string Name => "NBitcoin.Secp256k1 (managed)";

    /// <inheritdoc/>
    public bool TryCreatePublicKey(ReadOnlySpan<byte> privateKey, Span<byte> compressedPublicKey)
    {
        if (!Context.Instance.TryCreateECPrivKey(privateKey, out var key) || key is null)
        {
            return false;
        }

        using (key)
        {
            key.CreatePubKey().WriteToSpan(true, compressedPublicKey, out _);
            return true;
        }
    }

    /// <inheritdoc/>
    public int SignRfc6979LowS(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> digest, Span<byte> der)
    {
        if (!Context.Instance.TryCreateECPrivKey(privateKey, out var key) || key is null)
        {
            throw new CryptographicException("The secp256k1 private key is invalid.");
        }

        using (key)
        {
            var signature = key.SignECDSARFC6979(digest);
            // libsecp256k1 already emits low S; normalizing again costs nothing and guards the invariant.
            if (signature.TryNormalize(out var lowS))
            {
                signature = lowS;
            }

            signature.WriteDerToSpan(der, out var length);
            return length;
        }
    }
}
