using System.Security.Cryptography;

namespace HsmWallet.Core.Xrpl.Keys;

/// <summary>
/// Which secp256k1 engine signs: the managed one unless a host installs a faster one, and only after that one
/// reproduces the managed engine's public key and signature byte for byte on a known key, so a broken or
/// mismatched native library can never change what the wallet signs.
/// </summary>
public static class Secp256k1Engines
{
    private static volatile ISecp256k1Engine _current = ManagedSecp256k1Engine.Instance;

    /// <summary>The engine every secp256k1 key in this process signs with.</summary>
    public static ISecp256k1Engine Current => _current;

    /// <summary>
    /// Installs <paramref name="engine"/> after checking it against the managed engine on a fixed key and digest;
    /// returns false (and keeps the current engine) when any byte differs or the engine throws.
    /// </summary>
    public static bool TryInstall(ISecp256k1Engine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        if (!AgreesWithManaged(engine))
        {
            return false;
        }

        _current = engine;
        return true;
    }

    /// <summary>Puts the managed engine back (tests and benches that compare the two).</summary>
    public static void UseManaged() => _current = ManagedSecp256k1Engine.Instance;

    private static bool AgreesWithManaged(ISecp256k1Engine engine)
    {
        // A fixed, public test key: SHA-512Half("hsmwallet secp256k1 engine check"); nothing secret.
        Span<byte> privateKey = stackalloc byte[32];
        Span<byte> digest = stackalloc byte[32];
        KeyHashing.Sha512Half("hsmwallet secp256k1 engine check"u8, privateKey);
        KeyHashing.Sha512Half("hsmwallet secp256k1 engine digest"u8, digest);
        Span<byte> expectedKey = stackalloc byte[33];
        Span<byte> actualKey = stackalloc byte[33];
        Span<byte> expectedDer = stackalloc byte[72];
        Span<byte> actualDer = stackalloc byte[72];
        try
        {
            var managed = ManagedSecp256k1Engine.Instance;
            if (!managed.TryCreatePublicKey(privateKey, expectedKey) || !engine.TryCreatePublicKey(privateKey, actualKey))
            {
                return false;
            }

            var expectedLength = managed.SignRfc6979LowS(privateKey, digest, expectedDer);
            var actualLength = engine.SignRfc6979LowS(privateKey, digest, actualDer);
            return expectedKey.SequenceEqual(actualKey) && expectedDer[..expectedLength].SequenceEqual(actualDer[..actualLength]);
        }
        catch (CryptographicException)
        {
            return false;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }
}
