using System.Security.Cryptography;

namespace HsmWallet.Core.Xrpl.Keys;

/// <summary>
/// Which secp256k1 engine signs: the managed one unless a host installs a faster one, and only after that one
/// reproduces the XRPL reference vector (public key and RFC 6979 low-S signature) byte for byte, so a broken or
/// mismatched native library can never change what the wallet signs.
/// </summary>
public static class Secp256k1Engines
{
    private static readonly Lock Gate = new();
    private static volatile ISecp256k1Engine _current = ManagedSecp256k1Engine.Instance;
    private static volatile Func<ISecp256k1Engine?>? _offered;

    /// <summary>
    /// The engine every secp256k1 key in this process signs with; the first read after <see cref="Offer"/> creates
    /// and checks the offered engine, so start-up (and an Ed25519-only process) never pays for it.
    /// </summary>
    public static ISecp256k1Engine Current
    {
        get
        {
            if (_offered is not null)
            {
                ResolveOffer();
            }

            return _current;
        }
    }

    /// <summary>
    /// Offers a faster engine without creating it yet: <paramref name="factory"/> runs once, at the first secp256k1
    /// operation, and its engine (null: none here) is installed only if <see cref="TryInstall"/> accepts it.
    /// </summary>
    public static void Offer(Func<ISecp256k1Engine?> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        lock (Gate)
        {
            _offered = factory;
        }
    }

    /// <summary>
    /// Installs <paramref name="engine"/> after checking it against the XRPL reference vector (a fixed key, its public
    /// key and its signature of "test message"); returns false (and keeps the current engine) when any byte differs or
    /// the engine throws.
    /// </summary>
    public static bool TryInstall(ISecp256k1Engine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        if (!PassesKnownAnswer(engine))
        {
            return false;
        }

        lock (Gate)
        {
            // An explicit choice replaces a pending offer.
            _offered = null;
            _current = engine;
        }

        return true;
    }

    /// <summary>Puts the managed engine back and drops any pending offer (tests and benches that compare the two).</summary>
    public static void UseManaged()
    {
        lock (Gate)
        {
            _offered = null;
            _current = ManagedSecp256k1Engine.Instance;
        }
    }

    private static void ResolveOffer()
    {
        lock (Gate)
        {
            var factory = _offered;
            _offered = null;
            if (factory?.Invoke() is { } engine && PassesKnownAnswer(engine))
            {
                _current = engine;
            }
        }
    }

    private static bool PassesKnownAnswer(ISecp256k1Engine engine)
    {
        // The XRPL reference vector (ripple-keypairs' keypairs-api fixture for seed sp5fghtJtpUorTwvof1NpDXAzNwf5):
        // public data, not a secret. A known answer instead of a run of the managed engine keeps start-up fast.
        ReadOnlySpan<byte> privateKey = [0xD7, 0x8B, 0x97, 0x35, 0xC3, 0xF2, 0x65, 0x01, 0xC7, 0x33, 0x7B, 0x8A, 0x57, 0x27, 0xFD, 0x53, 0xA6, 0xEF, 0xDB, 0xC6, 0xAA, 0x55, 0x98, 0x4F, 0x09, 0x84, 0x88, 0x56, 0x1F, 0x98, 0x5E, 0x23];
        var expectedPublicKey = Convert.FromHexString("030D58EB48B4420B1F7B9DF55087E0E29FEF0E8468F9A6825B01CA2C361042D435");
        var expectedSignature = Convert.FromHexString(
            "30440220583A91C95E54E6A651C47BEC22744E0B101E2C4060E7B08F6341657DAD9BC3EE02207D1489C7395DB0188D3A56A977ECBA54B36FA9371B40319655B1B4429E33EF2D");
        Span<byte> digest = stackalloc byte[KeyHashing.Sha512HalfLength];
        KeyHashing.Sha512Half("test message"u8, digest);
        Span<byte> publicKey = stackalloc byte[33];
        Span<byte> der = stackalloc byte[72];
        try
        {
            return engine.TryCreatePublicKey(privateKey, publicKey)
                && publicKey.SequenceEqual(expectedPublicKey)
                && der[..engine.SignRfc6979LowS(privateKey, digest, der)].SequenceEqual(expectedSignature);
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
