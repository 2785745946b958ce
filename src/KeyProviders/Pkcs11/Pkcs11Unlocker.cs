using System.Security.Cryptography;
using HsmWallet.Core;
using HsmWallet.KeyProviders.Pkcs11.Session;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmWallet.KeyProviders.Pkcs11;

/// <summary>
/// Wraps and unwraps the 32-byte vault key with a PKCS#11 token, and checks a token's health. Each unwrap logs
/// in, uses the key and logs out; nothing unwrapped or logged in outlives the call. PINs arrive as bytes and are
/// copied only into pinned buffers zeroed before return.
/// </summary>
public static class Pkcs11Unlocker
{
    /// <summary>
    /// Wraps the vault key for a slot. aes-gcm encrypts on the token (needs the PIN); ecies and rsa-oaep need only
    /// the token's public key object, so the PIN may be empty for them.
    /// </summary>
    public static Pkcs11WrapResult Wrap(Pkcs11SlotConfiguration configuration, ReadOnlySpan<byte> vaultKey32, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> pin)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        RequireVaultKeyLength(vaultKey32.Length);
        var module = Pkcs11Module.For(configuration.ModulePath);
        switch (configuration.Mode)
        {
            case Pkcs11WrapMode.Ecies:
                var point = module.Execute(configuration, token => token.WithSession(session => Pkcs11KeyObjects.ReadEcPoint(session, configuration)));
                return EciesResult(EciesEnvelope.Seal(point, vaultKey32, associatedData));
            case Pkcs11WrapMode.RsaOaep:
                var publicKey = module.Execute(configuration, token => token.WithSession(session => Pkcs11KeyObjects.ReadRsaPublicKey(session, configuration)));
                return new Pkcs11WrapResult(Pkcs11WrapMode.RsaOaep, RsaOaepEnvelope.Seal(publicKey, vaultKey32, associatedData), []);
            default:
                RequirePin(pin.Length);
                var pinCopy = PinnedCopy(pin);
                var keyCopy = PinnedCopy(vaultKey32);
                var data = associatedData.ToArray();
                try
                {
                    var wrapped = module.Execute(configuration, token => token.WithLogin(pinCopy, session =>
                    {
                        var key = Pkcs11KeyObjects.Find(session, configuration, CKO.CKO_SECRET_KEY, CKK.CKK_AES);
                        var nonce = RandomNumberGenerator.GetBytes(GcmEnvelope.NonceLength);
                        var mechanism = GcmMechanism(session, nonce, data);
                        var sealedKey = Pkcs11StepException.Run(Pkcs11ErrorMapping.Step.Other, () => session.Encrypt(mechanism, key, keyCopy));
                        VerifyRoundTrip(session, configuration, key, nonce, data, sealedKey, keyCopy);
                        return (byte[])[.. nonce, .. sealedKey];
                    }));
                    if (wrapped.Length != GcmEnvelope.Length)
                    {
                        throw new Pkcs11UnlockException(Pkcs11Failure.MechanismUnsupported, $"PKCS#11 {configuration.TokenDescription}: CKM_AES_GCM returned an unexpected length");
                    }

                    return new Pkcs11WrapResult(Pkcs11WrapMode.AesGcm, wrapped, []);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(pinCopy);
                    CryptographicOperations.ZeroMemory(keyCopy);
                }
        }
    }

    /// <summary>
    /// Wraps the vault key to a public key given as PEM (ecies: a P-256 key; rsa-oaep: an RSA key of 2048 bits or
    /// more), for enrolling a token that is not attached, e.g. from `yubico-piv-tool -a generate -o key.pem`.
    /// </summary>
    public static Pkcs11WrapResult WrapWithPublicKey(Pkcs11WrapMode mode, string publicKeyPem, ReadOnlySpan<byte> vaultKey32, ReadOnlySpan<byte> associatedData)
    {
        ArgumentNullException.ThrowIfNull(publicKeyPem);
        RequireVaultKeyLength(vaultKey32.Length);
        try
        {
            return mode switch
            {
                Pkcs11WrapMode.Ecies => EciesResult(EciesEnvelope.Seal(EciesEnvelope.PointFromPem(publicKeyPem), vaultKey32, associatedData)),
                Pkcs11WrapMode.RsaOaep => new Pkcs11WrapResult(mode, RsaOaepEnvelope.Seal(RsaOaepEnvelope.PublicKeyFromPem(publicKeyPem), vaultKey32, associatedData), []),
                _ => throw new InvalidInputException("mode", "only ecies and rsa-oaep wrap to a public key"),
            };
        }
        catch (Exception error) when (error is ArgumentException or CryptographicException)
        {
            throw new InvalidInputException("public-key", "must be a PEM public key of the mode's type", error);
        }
    }

    /// <summary>
    /// Unwraps the vault key into the caller's 32-byte buffer: PIN login, one token operation, logout. Throws
    /// <see cref="Pkcs11UnlockException"/> (PinIncorrect counts for lockout; IntegrityFailure for altered bytes or
    /// other associated data); the destination is zeroed on failure.
    /// </summary>
    public static void Unwrap(Pkcs11SlotConfiguration configuration, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> pin, Span<byte> destination32)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        RequireVaultKeyLength(destination32.Length);
        RequireWrappedLength(configuration, wrapped.Length);
        RequirePin(pin.Length);
        var module = Pkcs11Module.For(configuration.ModulePath);
        var pinCopy = PinnedCopy(pin);
        var wrappedCopy = wrapped.ToArray();
        var data = associatedData.ToArray();
        var secret = GC.AllocateArray<byte>(GcmEnvelope.VaultKeyLength, pinned: true);
        try
        {
            module.Execute(configuration, token => token.WithLogin(pinCopy, session =>
            {
                switch (configuration.Mode)
                {
                    case Pkcs11WrapMode.AesGcm:
                        DecryptOnToken(session, configuration, wrappedCopy, data, secret);
                        break;
                    case Pkcs11WrapMode.Ecies:
                        DeriveOnToken(session, configuration, wrappedCopy.AsSpan(0, EciesEnvelope.PointLength).ToArray(), secret);
                        break;
                    default:
                        OaepDecryptOnToken(session, configuration, wrappedCopy.AsSpan(0, wrappedCopy.Length - GcmEnvelope.Length).ToArray(), secret);
                        break;
                }

                return true;
            }));
            switch (configuration.Mode)
            {
                case Pkcs11WrapMode.AesGcm:
                    secret.CopyTo(destination32);
                    break;
                case Pkcs11WrapMode.Ecies:
                    EciesEnvelope.Open(secret, wrappedCopy, data, destination32);
                    break;
                default:
                    GcmEnvelope.Open(secret, wrappedCopy.AsSpan(wrappedCopy.Length - GcmEnvelope.Length), data, destination32);
                    break;
            }
        }
        catch
        {
            CryptographicOperations.ZeroMemory(destination32);
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pinCopy);
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>Checks module, token, public key (ecies, rsa-oaep) and PIN flags without a PIN; aes-gcm keys are private, so KeyFound is null.</summary>
    public static Pkcs11Health Health(Pkcs11SlotConfiguration configuration) => Health(configuration, ReadOnlySpan<byte>.Empty, usePin: false);

    /// <summary>Checks as <see cref="Health(Pkcs11SlotConfiguration)"/> and also logs in to find the private key; a wrong PIN counts on the token.</summary>
    public static Pkcs11Health Health(Pkcs11SlotConfiguration configuration, ReadOnlySpan<byte> pin) => Health(configuration, pin, usePin: true);

    private static Pkcs11Health Health(Pkcs11SlotConfiguration configuration, ReadOnlySpan<byte> pin, bool usePin)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (usePin)
        {
            RequirePin(pin.Length);
        }

        var module = Pkcs11Module.For(configuration.ModulePath);
        var pinCopy = PinnedCopy(pin);
        var moduleLoaded = false;
        var tokenPresent = false;
        var pinStatus = default(Pkcs11PinStatus);
        try
        {
            return module.Execute(configuration, token =>
            {
                moduleLoaded = true;
                tokenPresent = true;
                pinStatus = token.ReadPinStatus();
                bool? keyFound = usePin
                    ? token.WithLogin(pinCopy, session => FindUsableKey(session, configuration))
                    : configuration.Mode == Pkcs11WrapMode.AesGcm
                        ? null
                        : token.WithSession(session => FindUsableKey(session, configuration));
                var problem = keyFound == false ? $"no usable {configuration.KeyDescription} on the {configuration.TokenDescription}"
                    : pinStatus.Locked ? "the user PIN is locked; the security officer must reset it"
                    : null;
                return new Pkcs11Health(true, true, keyFound, pinStatus, problem);
            });
        }
        catch (Pkcs11UnlockException error)
        {
            moduleLoaded |= module.IsLoaded;
            tokenPresent &= error.Failure != Pkcs11Failure.TokenNotPresent;
            var status = error.PinStatus == default ? pinStatus : error.PinStatus;
            return new Pkcs11Health(moduleLoaded, tokenPresent, error.Failure == Pkcs11Failure.KeyNotFound ? false : null, status, error.Message);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pinCopy);
        }
    }

    private static bool FindUsableKey(ISession session, Pkcs11SlotConfiguration configuration) => configuration.Mode switch
    {
        Pkcs11WrapMode.AesGcm => Pkcs11KeyObjects.TryFind(session, configuration, CKO.CKO_SECRET_KEY, CKK.CKK_AES) is not null,
        Pkcs11WrapMode.Ecies => Pkcs11KeyObjects.TryFind(session, configuration, session.GetSessionInfo().State is CKS.CKS_RO_USER_FUNCTIONS or CKS.CKS_RW_USER_FUNCTIONS ? CKO.CKO_PRIVATE_KEY : CKO.CKO_PUBLIC_KEY, CKK.CKK_EC) is not null,
        _ => Pkcs11KeyObjects.TryFind(session, configuration, session.GetSessionInfo().State is CKS.CKS_RO_USER_FUNCTIONS or CKS.CKS_RW_USER_FUNCTIONS ? CKO.CKO_PRIVATE_KEY : CKO.CKO_PUBLIC_KEY, CKK.CKK_RSA) is not null,
    };

    /// <summary>
    /// Decrypts what was just encrypted, with the nonce we chose: tokens that replace the caller's GCM IV with one
    /// of their own (AWS CloudHSM; Luna in FIPS mode) would otherwise enrol a key no one can unwrap.
    /// </summary>
    private static void VerifyRoundTrip(ISession session, Pkcs11SlotConfiguration configuration, IObjectHandle key, byte[] nonce, byte[] associatedData, byte[] sealedKey, byte[] vaultKey)
    {
        byte[]? check = null;
        try
        {
            check = session.Decrypt(GcmMechanism(session, nonce, associatedData), key, sealedKey);
            if (sealedKey.Length == GcmEnvelope.VaultKeyLength + GcmEnvelope.TagLength && CryptographicOperations.FixedTimeEquals(check, vaultKey))
            {
                return;
            }
        }
        catch (Pkcs11Exception)
        {
            // Falls through to the refusal below.
        }
        finally
        {
            if (check is not null)
            {
                CryptographicOperations.ZeroMemory(check);
            }
        }

        throw new Pkcs11UnlockException(Pkcs11Failure.MechanismUnsupported, $"PKCS#11 {configuration.TokenDescription}: CKM_AES_GCM did not decrypt with the IV HsmWallet chose (the token may generate its own IV); use the ecies or rsa-oaep mode");
    }

    private static void DecryptOnToken(ISession session, Pkcs11SlotConfiguration configuration, byte[] wrapped, byte[] associatedData, byte[] secret)
    {
        var key = Pkcs11KeyObjects.Find(session, configuration, CKO.CKO_SECRET_KEY, CKK.CKK_AES);
        var mechanism = GcmMechanism(session, wrapped[..GcmEnvelope.NonceLength], associatedData);
        var plain = Pkcs11StepException.Run(Pkcs11ErrorMapping.Step.Decrypt, () => session.Decrypt(mechanism, key, wrapped[GcmEnvelope.NonceLength..]));
        TakeSecret(plain, secret, configuration);
    }

    private static void DeriveOnToken(ISession session, Pkcs11SlotConfiguration configuration, byte[] ephemeralPoint, byte[] secret)
    {
        if (!EciesEnvelope.IsValidPoint(ephemeralPoint))
        {
            throw new Pkcs11UnlockException(Pkcs11Failure.IntegrityFailure, "PKCS#11: the wrapped key's ephemeral point is not a valid P-256 point");
        }

        var privateKey = Pkcs11KeyObjects.Find(session, configuration, CKO.CKO_PRIVATE_KEY, CKK.CKK_EC);
        var factories = session.Factories;
        var parameters = factories.MechanismParamsFactory.CreateCkEcdh1DeriveParams((ulong)CKD.CKD_NULL, null, ephemeralPoint);
        var mechanism = factories.MechanismFactory.Create(CKM.CKM_ECDH1_DERIVE, parameters);
        var attributes = factories.ObjectAttributeFactory;
        var template = new List<IObjectAttribute>
        {
            attributes.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
            attributes.Create(CKA.CKA_KEY_TYPE, CKK.CKK_GENERIC_SECRET),
            attributes.Create(CKA.CKA_TOKEN, false),
            attributes.Create(CKA.CKA_SENSITIVE, false),
            attributes.Create(CKA.CKA_EXTRACTABLE, true),
        };
        var derived = Pkcs11StepException.Run(Pkcs11ErrorMapping.Step.Decrypt, () => session.DeriveKey(mechanism, privateKey, template));
        try
        {
            var value = Pkcs11StepException.Run(Pkcs11ErrorMapping.Step.Decrypt, () => session.GetAttributeValue(derived, [CKA.CKA_VALUE]));
            TakeSecret(value[0].GetValueAsByteArray(), secret, configuration);
        }
        finally
        {
            try
            {
                session.DestroyObject(derived);
            }
            catch (Pkcs11Exception)
            {
                // A session object: it dies with the session in any case.
            }
        }
    }

    private static void OaepDecryptOnToken(ISession session, Pkcs11SlotConfiguration configuration, byte[] encryptedKey, byte[] secret)
    {
        var privateKey = Pkcs11KeyObjects.Find(session, configuration, CKO.CKO_PRIVATE_KEY, CKK.CKK_RSA);
        var factories = session.Factories;
        var parameters = factories.MechanismParamsFactory.CreateCkRsaPkcsOaepParams((ulong)CKM.CKM_SHA_1, (ulong)CKG.CKG_MGF1_SHA1, (ulong)CKZ.CKZ_DATA_SPECIFIED, null);
        var mechanism = factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS_OAEP, parameters);
        var plain = Pkcs11StepException.Run(Pkcs11ErrorMapping.Step.Decrypt, () => session.Decrypt(mechanism, privateKey, encryptedKey));
        TakeSecret(plain, secret, configuration);
    }

    private static void TakeSecret(byte[] value, byte[] secret, Pkcs11SlotConfiguration configuration)
    {
        try
        {
            if (value.Length != secret.Length)
            {
                throw new Pkcs11UnlockException(Pkcs11Failure.IntegrityFailure, $"PKCS#11 {configuration.TokenDescription}: the token returned a value of the wrong length");
            }

            value.CopyTo(secret, 0);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(value);
        }
    }

    private static IMechanism GcmMechanism(ISession session, byte[] nonce, byte[] associatedData)
    {
        var factories = session.Factories;
        var parameters = factories.MechanismParamsFactory.CreateCkGcmParams(nonce, (ulong)nonce.Length * 8, associatedData, GcmEnvelope.TagLength * 8);
        return factories.MechanismFactory.Create(CKM.CKM_AES_GCM, parameters);
    }

    private static Pkcs11WrapResult EciesResult(byte[] wrapped) =>
        new(Pkcs11WrapMode.Ecies, wrapped, wrapped[..EciesEnvelope.PointLength]);

    private static byte[] PinnedCopy(ReadOnlySpan<byte> value)
    {
        var copy = GC.AllocateArray<byte>(value.Length, pinned: true);
        value.CopyTo(copy);
        return copy;
    }

    private static void RequireVaultKeyLength(int length)
    {
        if (length != GcmEnvelope.VaultKeyLength)
        {
            throw new InvalidInputException("vault-key", "must be 32 bytes");
        }
    }

    private static void RequirePin(int length)
    {
        if (length == 0)
        {
            // Never fall back to an empty or default PIN: the operator must supply one.
            throw new Pkcs11UnlockException(Pkcs11Failure.PinFormatInvalid, "PKCS#11: a PIN is required and none was given");
        }
    }

    private static void RequireWrappedLength(Pkcs11SlotConfiguration configuration, int length)
    {
        var valid = configuration.Mode switch
        {
            Pkcs11WrapMode.AesGcm => length == GcmEnvelope.Length,
            Pkcs11WrapMode.Ecies => length == EciesEnvelope.Length,
            _ => length >= GcmEnvelope.Length + 256 && length <= GcmEnvelope.Length + 1024,
        };
        if (!valid)
        {
            throw new Pkcs11UnlockException(Pkcs11Failure.IntegrityFailure, $"PKCS#11: the wrapped key has the wrong length for the {configuration.Mode.ToName()} mode");
        }
    }
}
