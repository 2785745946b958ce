using System.Runtime.InteropServices;
using System.Security.Cryptography;
using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.KeyProviders.Secp256k1;

/// <summary>
/// secp256k1 by the reference C library (Debian `libsecp256k1-1`, bitcoin-core/secp256k1) through source-generated
/// P/Invoke (AOT-safe): about ten times faster than the managed port, with the same RFC 6979 nonces and low-S
/// signatures, byte for byte. One signing context for the process, blinded once with random bytes; the library
/// documents signing and key creation on a const context as safe from many threads.
/// </summary>
internal sealed unsafe partial class LibSecp256k1Engine : ISecp256k1Engine
{
    /// <summary>The shared library's name as Debian installs it (runtime package, no -dev needed).</summary>
    public const string LibraryName = "libsecp256k1.so.1";

    // include/secp256k1.h: SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY (accepted by every release),
    // SECP256K1_EC_COMPRESSED.
    private const uint ContextSignVerify = (1u << 0) | (1u << 9) | (1u << 8);
    private const uint Compressed = (1u << 1) | (1u << 8);
    private const int OpaqueLength = 64;

    private readonly nint _context;

    private LibSecp256k1Engine(nint context) => _context = context;

    /// <inheritdoc/>
    public string Name => "libsecp256k1 (native)";

    /// <summary>
    /// The engine, or null when the library is absent or refuses to make a context; the caller keeps the managed
    /// engine then. The context lives as long as the process.
    /// </summary>
    public static LibSecp256k1Engine? TryCreate()
    {
        try
        {
            return NativeLibrary.TryLoad(LibraryName, typeof(LibSecp256k1Engine).Assembly, null, out _) ? CreateContext() : null;
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            // A library by that name without the expected functions: the managed engine stays.
            return null;
        }
    }

    private static LibSecp256k1Engine? CreateContext()
    {
        var context = ContextCreate(ContextSignVerify);
        if (context == 0)
        {
            return null;
        }

        // Blinding against timing and power side channels, as the library's own examples do.
        Span<byte> seed = stackalloc byte[32];
        RandomNumberGenerator.Fill(seed);
        try
        {
            fixed (byte* seedPointer = seed)
            {
                if (ContextRandomize(context, seedPointer) != 1)
                {
                    ContextDestroy(context);
                    return null;
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }

        return new LibSecp256k1Engine(context);
    }

    /// <inheritdoc/>
    public bool TryCreatePublicKey(ReadOnlySpan<byte> privateKey, Span<byte> compressedPublicKey)
    {
        if (privateKey.Length != 32 || compressedPublicKey.Length < 33)
        {
            return false;
        }

        var opaque = stackalloc byte[OpaqueLength];
        nuint length = 33;
        fixed (byte* keyPointer = privateKey)
        fixed (byte* outputPointer = compressedPublicKey)
        {
            return PublicKeyCreate(_context, opaque, keyPointer) == 1
                && PublicKeySerialize(_context, outputPointer, &length, opaque, Compressed) == 1
                && length == 33;
        }
    }

    /// <inheritdoc/>
    public int SignRfc6979LowS(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> digest, Span<byte> der)
    {
        if (privateKey.Length != 32 || digest.Length != 32 || der.Length < 72)
        {
            throw new CryptographicException("secp256k1 signing needs a 32-byte key, a 32-byte digest and 72 bytes of room.");
        }

        var signature = stackalloc byte[OpaqueLength];
        var normalized = stackalloc byte[OpaqueLength];
        nuint length = (nuint)der.Length;
        fixed (byte* keyPointer = privateKey)
        fixed (byte* digestPointer = digest)
        fixed (byte* derPointer = der)
        {
            // A null nonce function is secp256k1_nonce_function_default, i.e. RFC 6979 with HMAC-SHA256.
            if (EcdsaSign(_context, signature, digestPointer, keyPointer, 0, 0) != 1)
            {
                throw new CryptographicException("The secp256k1 private key is invalid.");
            }

            // The library signs with low S already; normalizing again guards the invariant.
            _ = EcdsaSignatureNormalize(_context, normalized, signature);
            if (EcdsaSignatureSerializeDer(_context, derPointer, &length, normalized) != 1)
            {
                throw new CryptographicException("libsecp256k1 could not encode the signature as DER.");
            }
        }

        return (int)length;
    }

    [LibraryImport(LibraryName, EntryPoint = "secp256k1_context_create")]
    private static partial nint ContextCreate(uint flags);

    [LibraryImport(LibraryName, EntryPoint = "secp256k1_context_randomize")]
    private static partial int ContextRandomize(nint context, byte* seed32);

    [LibraryImport(LibraryName, EntryPoint = "secp256k1_context_destroy")]
    private static partial void ContextDestroy(nint context);

    [LibraryImport(LibraryName, EntryPoint = "secp256k1_ec_pubkey_create")]
    private static partial int PublicKeyCreate(nint context, byte* publicKey, byte* secretKey);

    [LibraryImport(LibraryName, EntryPoint = "secp256k1_ec_pubkey_serialize")]
    private static partial int PublicKeySerialize(nint context, byte* output, nuint* outputLength, byte* publicKey, uint flags);

    [LibraryImport(LibraryName, EntryPoint = "secp256k1_ecdsa_sign")]
    private static partial int EcdsaSign(nint context, byte* signature, byte* message32, byte* secretKey, nint nonceFunction, nint nonceData);

    [LibraryImport(LibraryName, EntryPoint = "secp256k1_ecdsa_signature_normalize")]
    private static partial int EcdsaSignatureNormalize(nint context, byte* output, byte* input);

    [LibraryImport(LibraryName, EntryPoint = "secp256k1_ecdsa_signature_serialize_der")]
    private static partial int EcdsaSignatureSerializeDer(nint context, byte* output, nuint* outputLength, byte* signature);
}
