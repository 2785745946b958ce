using System.Security.Cryptography;
using System.Text;
using HsmWallet.Core;
using HsmWallet.KeyProviders.Pkcs11.Session;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmWallet.KeyProviders.Pkcs11;

/// <summary>
/// Prepares tokens for HsmWallet: lists them, initialises software tokens (SoftHSM2) for testing, and generates
/// the wrapping key on a token: an AES-256 key no one can read out, or a P-256 / RSA key pair whose private half
/// never leaves. The CLI verbs `hsmwallet token provision|list` sit on top.
/// </summary>
public static class Pkcs11Provisioner
{
    /// <summary>Default size of RSA keys generated for rsa-oaep (128-bit security).</summary>
    public const int RsaModulusBits = 3072;

    /// <summary>DER of the P-256 curve OID (1.2.840.10045.3.1.7), the CKA_EC_PARAMS of ecies keys.</summary>
    private static readonly byte[] P256Parameters = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];

    /// <summary>Lists every slot's token with label, serial, manufacturer, model and flags.</summary>
    public static IReadOnlyList<Pkcs11TokenDescription> ListTokens(string modulePath)
    {
        var module = Pkcs11Module.For(RequireModulePath(modulePath));
        return module.ExecuteOnLibrary(library =>
        {
            var tokens = new List<Pkcs11TokenDescription>();
            foreach (var slot in library.GetSlotList(SlotsType.WithTokenPresent))
            {
                ITokenInfo info;
                try
                {
                    info = slot.GetTokenInfo();
                }
                catch (Pkcs11Exception)
                {
                    continue;
                }

                var flags = info.TokenFlags;
                tokens.Add(new Pkcs11TokenDescription(
                    info.Label?.Trim() ?? string.Empty,
                    info.SerialNumber?.Trim() ?? string.Empty,
                    info.ManufacturerId?.Trim() ?? string.Empty,
                    info.Model?.Trim() ?? string.Empty,
                    flags.TokenInitialized,
                    flags.UserPinInitialized,
                    flags.LoginRequired,
                    flags.ProtectedAuthenticationPath,
                    new Pkcs11PinStatus(flags.UserPinCountLow, flags.UserPinFinalTry, flags.UserPinLocked)));
            }

            return (IReadOnlyList<Pkcs11TokenDescription>)tokens;
        });
    }

    /// <summary>
    /// Initialises a software token (C_InitToken with the SO PIN, then C_InitPIN) in the first slot whose token is not
    /// initialised; returns its serial. Only for tokens such as SoftHSM2: on hardware C_InitToken erases the token.
    /// </summary>
    public static string InitializeToken(string modulePath, string tokenLabel, ReadOnlySpan<byte> securityOfficerPin, ReadOnlySpan<byte> userPin)
    {
        var module = Pkcs11Module.For(RequireModulePath(modulePath));
        ArgumentNullException.ThrowIfNull(tokenLabel);
        var labelBytes = Encoding.UTF8.GetBytes(tokenLabel.Trim());
        if (labelBytes.Length is 0 or > 32)
        {
            throw new InvalidInputException("token-label", "must be 1 to 32 bytes");
        }

        if (securityOfficerPin.IsEmpty)
        {
            throw new InvalidInputException("so-pin", "is required");
        }

        if (userPin.IsEmpty)
        {
            throw new InvalidInputException("pin", "is required");
        }

        if (ListTokens(modulePath).Any(token => token.Initialized && token.Label == tokenLabel.Trim()))
        {
            throw new InvalidInputException("token-label", "a token with this label already exists");
        }

        var paddedLabel = new byte[32];
        paddedLabel.AsSpan().Fill((byte)' ');
        labelBytes.CopyTo(paddedLabel, 0);
        var soPin = GC.AllocateArray<byte>(securityOfficerPin.Length, pinned: true);
        var pin = GC.AllocateArray<byte>(userPin.Length, pinned: true);
        securityOfficerPin.CopyTo(soPin);
        userPin.CopyTo(pin);
        try
        {
            var serial = module.ExecuteOnLibrary(library =>
            {
                var slot = library.GetSlotList(SlotsType.WithTokenPresent).FirstOrDefault(s => !s.GetTokenInfo().TokenFlags.TokenInitialized)
                    ?? throw new Pkcs11UnlockException(Pkcs11Failure.TokenNotPresent, "PKCS#11 module offers no uninitialised token");
                slot.InitToken(soPin, paddedLabel);
                using var session = slot.OpenSession(SessionType.ReadWrite);
                session.Login(CKU.CKU_SO, soPin);
                try
                {
                    session.InitPin(pin);
                }
                finally
                {
                    session.Logout();
                }

                return slot.GetTokenInfo().SerialNumber.Trim();
            });

            // SoftHSM2 re-numbers slots when tokens change: start from a fresh C_Initialize.
            module.Reinitialize();
            return serial;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(soPin);
            CryptographicOperations.ZeroMemory(pin);
        }
    }

    /// <summary>
    /// Generates the configuration's wrapping key on its token: aes-gcm an AES-256 secret key (token, private,
    /// sensitive, not extractable, not modifiable); ecies a P-256 key pair; rsa-oaep an RSA key pair (3072 bits unless given).
    /// Needs a key label; refuses when a key with that label exists.
    /// </summary>
    public static Pkcs11ProvisionResult GenerateKey(Pkcs11SlotConfiguration configuration, ReadOnlySpan<byte> pin, int rsaModulusBits = RsaModulusBits)
    {
        if (rsaModulusBits is not (2048 or 3072 or 4096))
        {
            throw new InvalidInputException("rsa-bits", "must be 2048, 3072 or 4096");
        }

        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.KeyLabel is null)
        {
            throw new InvalidInputException("key-label", "is required to generate a key");
        }

        if (pin.IsEmpty)
        {
            throw new InvalidInputException("pin", "is required");
        }

        var module = Pkcs11Module.For(configuration.ModulePath);
        var pinCopy = GC.AllocateArray<byte>(pin.Length, pinned: true);
        pin.CopyTo(pinCopy);
        try
        {
            var pem = module.Execute(configuration, token => token.WithReadWriteLogin(pinCopy, session =>
                Pkcs11StepException.Run(Pkcs11ErrorMapping.Step.Other, () => Generate(session, configuration, rsaModulusBits))));
            return new Pkcs11ProvisionResult(configuration, pem);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pinCopy);
        }
    }

    private static string? Generate(ISession session, Pkcs11SlotConfiguration configuration, int rsaModulusBits)
    {
        var attributes = session.Factories.ObjectAttributeFactory;
        var existing = session.FindAllObjects([attributes.Create(CKA.CKA_LABEL, configuration.KeyLabel!)]);
        if (existing.Count > 0)
        {
            throw new InvalidInputException("key-label", "a key with this label already exists on the token");
        }

        return configuration.Mode switch
        {
            Pkcs11WrapMode.AesGcm => GenerateAesKey(session, configuration),
            Pkcs11WrapMode.Ecies => GenerateEcKeyPair(session, configuration),
            _ => GenerateRsaKeyPair(session, configuration, rsaModulusBits),
        };
    }

    private static string? GenerateAesKey(ISession session, Pkcs11SlotConfiguration configuration)
    {
        var attributes = session.Factories.ObjectAttributeFactory;
        var template = CommonAttributes(session, configuration, CKO.CKO_SECRET_KEY, isPrivate: true);
        template.Add(attributes.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES));
        template.Add(attributes.Create(CKA.CKA_VALUE_LEN, 32UL));
        template.Add(attributes.Create(CKA.CKA_SENSITIVE, true));
        template.Add(attributes.Create(CKA.CKA_EXTRACTABLE, false));
        template.Add(attributes.Create(CKA.CKA_ENCRYPT, true));
        template.Add(attributes.Create(CKA.CKA_DECRYPT, true));
        template.Add(attributes.Create(CKA.CKA_WRAP, false));
        template.Add(attributes.Create(CKA.CKA_UNWRAP, false));
        template.Add(attributes.Create(CKA.CKA_SIGN, false));
        template.Add(attributes.Create(CKA.CKA_DERIVE, false));
        session.GenerateKey(session.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_GEN), template);
        return null;
    }

    private static string GenerateEcKeyPair(ISession session, Pkcs11SlotConfiguration configuration)
    {
        var attributes = session.Factories.ObjectAttributeFactory;
        var publicTemplate = CommonAttributes(session, configuration, CKO.CKO_PUBLIC_KEY, isPrivate: false);
        publicTemplate.Add(attributes.Create(CKA.CKA_KEY_TYPE, CKK.CKK_EC));
        publicTemplate.Add(attributes.Create(CKA.CKA_EC_PARAMS, P256Parameters));
        var privateTemplate = CommonAttributes(session, configuration, CKO.CKO_PRIVATE_KEY, isPrivate: true);
        privateTemplate.Add(attributes.Create(CKA.CKA_KEY_TYPE, CKK.CKK_EC));
        privateTemplate.Add(attributes.Create(CKA.CKA_SENSITIVE, true));
        privateTemplate.Add(attributes.Create(CKA.CKA_EXTRACTABLE, false));
        privateTemplate.Add(attributes.Create(CKA.CKA_DERIVE, true));
        privateTemplate.Add(attributes.Create(CKA.CKA_SIGN, false));
        session.GenerateKeyPair(session.Factories.MechanismFactory.Create(CKM.CKM_EC_KEY_PAIR_GEN), publicTemplate, privateTemplate, out _, out _);
        var point = Pkcs11KeyObjects.ReadEcPoint(session, configuration);
        using var key = ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = point[1..33], Y = point[33..] },
        });
        return key.ExportSubjectPublicKeyInfoPem();
    }

    private static string GenerateRsaKeyPair(ISession session, Pkcs11SlotConfiguration configuration, int rsaModulusBits)
    {
        var attributes = session.Factories.ObjectAttributeFactory;
        var publicTemplate = CommonAttributes(session, configuration, CKO.CKO_PUBLIC_KEY, isPrivate: false);
        publicTemplate.Add(attributes.Create(CKA.CKA_KEY_TYPE, CKK.CKK_RSA));
        publicTemplate.Add(attributes.Create(CKA.CKA_MODULUS_BITS, (ulong)rsaModulusBits));
        publicTemplate.Add(attributes.Create(CKA.CKA_PUBLIC_EXPONENT, new byte[] { 0x01, 0x00, 0x01 }));
        publicTemplate.Add(attributes.Create(CKA.CKA_ENCRYPT, true));
        publicTemplate.Add(attributes.Create(CKA.CKA_VERIFY, false));
        var privateTemplate = CommonAttributes(session, configuration, CKO.CKO_PRIVATE_KEY, isPrivate: true);
        privateTemplate.Add(attributes.Create(CKA.CKA_KEY_TYPE, CKK.CKK_RSA));
        privateTemplate.Add(attributes.Create(CKA.CKA_SENSITIVE, true));
        privateTemplate.Add(attributes.Create(CKA.CKA_EXTRACTABLE, false));
        privateTemplate.Add(attributes.Create(CKA.CKA_DECRYPT, true));
        privateTemplate.Add(attributes.Create(CKA.CKA_SIGN, false));
        session.GenerateKeyPair(session.Factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS_KEY_PAIR_GEN), publicTemplate, privateTemplate, out _, out _);
        using var rsa = RSA.Create(Pkcs11KeyObjects.ReadRsaPublicKey(session, configuration));
        return rsa.ExportSubjectPublicKeyInfoPem();
    }

    /// <summary>Attributes every generated object shares: on the token, unmodifiable, found by the configured label and id.</summary>
    private static List<IObjectAttribute> CommonAttributes(ISession session, Pkcs11SlotConfiguration configuration, CKO objectClass, bool isPrivate)
    {
        var attributes = session.Factories.ObjectAttributeFactory;
        var template = new List<IObjectAttribute>
        {
            attributes.Create(CKA.CKA_CLASS, objectClass),
            attributes.Create(CKA.CKA_TOKEN, true),
            attributes.Create(CKA.CKA_PRIVATE, isPrivate),
            attributes.Create(CKA.CKA_MODIFIABLE, false),
            attributes.Create(CKA.CKA_LABEL, configuration.KeyLabel!),
        };
        if (configuration.KeyIdBytes is { } id)
        {
            template.Add(attributes.Create(CKA.CKA_ID, id));
        }

        return template;
    }

    private static string RequireModulePath(string modulePath)
    {
        if (string.IsNullOrWhiteSpace(modulePath) || !Path.IsPathFullyQualified(modulePath))
        {
            throw new InvalidInputException("module", "must be an absolute path to a PKCS#11 module");
        }

        return modulePath;
    }
}
