using System.Security.Cryptography;
using HsmWallet.Core;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Signing;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Vault;
using HsmWallet.Core.Xrpl.Keys;
using HsmWallet.KeyProviders.Pkcs11.Session;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmWallet.KeyProviders.Pkcs11.OnToken;

/// <summary>
/// Wallet keys that live on a PKCS#11 token: generated there (sensitive, never extractable, private, token
/// objects), used there (secp256k1 by CKM_ECDSA over SHA-512Half of the signing data; Ed25519 by CKM_EDDSA over the
/// data itself), never read out. Each call finds the token by label or serial, logs in, does one thing and logs out,
/// through the same module and session handling as the PKCS#11 unlocker.
/// </summary>
public sealed class Pkcs11TokenKeys : ITokenKeys
{
    /// <summary>The device kind recorded in on-token wallet records.</summary>
    public const string KindName = "pkcs11";

    /// <summary>CKM_EC_EDWARDS_KEY_PAIR_GEN (PKCS#11 3.0), absent from Pkcs11Interop 5.3.0's enum.</summary>
    internal const CKM EdwardsKeyPairGen = (CKM)0x1055;

    /// <summary>CKM_EDDSA (PKCS#11 3.0).</summary>
    internal const CKM EdDsa = (CKM)0x1057;

    /// <summary>CKK_EC_EDWARDS (PKCS#11 3.0).</summary>
    internal const CKK EdwardsKeyType = (CKK)0x40;

    private const int KeyIdLength = 16;

    /// <summary>DER of the OID 1.3.132.0.10 (secp256k1).</summary>
    internal static readonly byte[] Secp256k1Parameters = [0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x0A];

    /// <summary>DER of the OID 1.3.101.112 (Ed25519), what PKCS#11 3.0 and SoftHSM2 accept.</summary>
    internal static readonly byte[] Ed25519Parameters = [0x06, 0x03, 0x2B, 0x65, 0x70];

    /// <summary>DER PrintableString "edwards25519", the older form some tokens want instead of the OID.</summary>
    internal static readonly byte[] Ed25519NameParameters = [0x13, 0x0C, .. "edwards25519"u8];

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public SecretRequest PinRequest(TokenKeyReference token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new SecretRequest(SecretKind.Pin, $"PIN for PKCS#11 token {token.TokenLabel ?? token.TokenSerial}");
    }

    /// <inheritdoc />
    public TokenCapabilities Probe(TokenKeyReference token)
    {
        var configuration = Configuration(token);
        return Run(configuration, () => Pkcs11Module.For(configuration.ModulePath).Execute(configuration, context => context.WithSession(session =>
        {
            var mechanisms = Pkcs11StepException.Run(Pkcs11ErrorMapping.Step.Session, () => context.Slot.GetMechanismList());
            var offered = new List<string>();
            var missing = new Dictionary<string, string>(StringComparer.Ordinal);
            Check(session, mechanisms, KeyType.Secp256k1, offered, missing);
            Check(session, mechanisms, KeyType.Ed25519, offered, missing);
            return new TokenCapabilities(offered, missing);
        })));
    }

    /// <inheritdoc />
    public GeneratedTokenKey Generate(TokenKeyReference token, KeyType keyType, ReadOnlySpan<byte> pin)
    {
        ArgumentNullException.ThrowIfNull(token);
        RequirePin(pin.Length);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(KeyIdLength));
        var key = token with { Kind = KindName, KeyId = id };
        var configuration = Configuration(key);
        var pinCopy = pin.ToArray();
        try
        {
            var publicKey = Run(configuration, () => Pkcs11Module.For(configuration.ModulePath).Execute(configuration, context => context.WithReadWriteLogin(pinCopy, session =>
            {
                if (Pkcs11KeyObjects.TryFind(session, LabelOnly(configuration), CKO.CKO_PRIVATE_KEY, KeyTypeOf(keyType)) is not null)
                {
                    throw new InvalidInputException("key-label", $"the {configuration.TokenDescription} already holds a key labelled '{key.KeyLabel}' (perhaps of a deleted wallet): choose another wallet name or key label");
                }

                var (publicHandle, _) = GenerateKeyPair(session, keyType, configuration, persistent: true);
                var point = Pkcs11StepException.Run(Pkcs11ErrorMapping.Step.Other, () => session.GetAttributeValue(publicHandle, [CKA.CKA_EC_POINT]))[0].GetValueAsByteArray();
                return LedgerPublicKey(point, keyType, configuration);
            })));
            return new GeneratedTokenKey(key, publicKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pinCopy);
        }
    }

    /// <inheritdoc />
    public byte[] Sign(TokenKeyReference key, KeyType keyType, ReadOnlySpan<byte> message, ReadOnlySpan<byte> pin)
    {
        ArgumentNullException.ThrowIfNull(key);
        RequirePin(pin.Length);
        var configuration = Configuration(key);
        var pinCopy = pin.ToArray();
        // secp256k1 signs SHA-512Half of the signing data (the ledger's digest); Ed25519 signs the data itself.
        var data = keyType == KeyType.Secp256k1 ? SHA512.HashData(message)[..32] : message.ToArray();
        try
        {
            return Run(configuration, () => Pkcs11Module.For(configuration.ModulePath).Execute(configuration, context => context.WithLogin(pinCopy, session =>
            {
                var handle = Pkcs11KeyObjects.Find(session, configuration, CKO.CKO_PRIVATE_KEY, KeyTypeOf(keyType));
                var mechanism = session.Factories.MechanismFactory.Create(keyType == KeyType.Secp256k1 ? CKM.CKM_ECDSA : EdDsa);
                return Pkcs11StepException.Run(Pkcs11ErrorMapping.Step.Other, () => session.Sign(mechanism, handle, data));
            })));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pinCopy);
        }
    }

    /// <inheritdoc />
    public void Destroy(TokenKeyReference key, ReadOnlySpan<byte> pin)
    {
        ArgumentNullException.ThrowIfNull(key);
        RequirePin(pin.Length);
        var configuration = Configuration(key);
        var pinCopy = pin.ToArray();
        try
        {
            _ = Run(configuration, () => Pkcs11Module.For(configuration.ModulePath).Execute(configuration, context => context.WithReadWriteLogin(pinCopy, session =>
            {
                var attributes = session.Factories.ObjectAttributeFactory;
                var found = session.FindAllObjects([attributes.Create(CKA.CKA_LABEL, key.KeyLabel), attributes.Create(CKA.CKA_ID, configuration.KeyIdBytes!)]);
                foreach (var handle in found)
                {
                    session.DestroyObject(handle);
                }

                return found.Count;
            })));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pinCopy);
        }
    }

    /// <summary>The unlocker's configuration for the token and key a reference names (its wrap mode unused here).</summary>
    internal static Pkcs11SlotConfiguration Configuration(TokenKeyReference key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!string.Equals(key.Kind, KindName, StringComparison.Ordinal))
        {
            throw new InvalidInputException("token", $"names a {key.Kind} device, not a PKCS#11 token");
        }

        return new Pkcs11SlotConfiguration(key.Module, key.TokenLabel, key.TokenSerial, key.KeyLabel, key.KeyId, Pkcs11WrapMode.AesGcm);
    }

    /// <summary>The PKCS#11 key type an XRPL key type lives as.</summary>
    internal static CKK KeyTypeOf(KeyType keyType) => keyType == KeyType.Secp256k1 ? CKK.CKK_EC : EdwardsKeyType;

    /// <summary>
    /// Generates a key pair: token objects (private, sensitive, never extractable, sign only) for a wallet, or
    /// public session objects for the probe, which leave nothing behind.
    /// </summary>
    internal static (IObjectHandle Public, IObjectHandle Private) GenerateKeyPair(ISession session, KeyType keyType, Pkcs11SlotConfiguration configuration, bool persistent, byte[]? parameters = null)
    {
        var attributes = session.Factories.ObjectAttributeFactory;
        var mechanism = session.Factories.MechanismFactory.Create(keyType == KeyType.Secp256k1 ? CKM.CKM_EC_KEY_PAIR_GEN : EdwardsKeyPairGen);
        var publicTemplate = new List<IObjectAttribute>
        {
            attributes.Create(CKA.CKA_TOKEN, persistent),
            attributes.Create(CKA.CKA_PRIVATE, false),
            attributes.Create(CKA.CKA_VERIFY, true),
            attributes.Create(CKA.CKA_EC_PARAMS, parameters ?? (keyType == KeyType.Secp256k1 ? Secp256k1Parameters : Ed25519Parameters)),
        };
        var privateTemplate = new List<IObjectAttribute>
        {
            attributes.Create(CKA.CKA_TOKEN, persistent),
            attributes.Create(CKA.CKA_PRIVATE, persistent),
            attributes.Create(CKA.CKA_SENSITIVE, true),
            attributes.Create(CKA.CKA_EXTRACTABLE, false),
            attributes.Create(CKA.CKA_SIGN, true),
            attributes.Create(CKA.CKA_DECRYPT, false),
            attributes.Create(CKA.CKA_DERIVE, false),
        };
        if (persistent)
        {
            foreach (var template in new[] { publicTemplate, privateTemplate })
            {
                template.Add(attributes.Create(CKA.CKA_LABEL, configuration.KeyLabel!));
                template.Add(attributes.Create(CKA.CKA_ID, configuration.KeyIdBytes!));
            }
        }

        try
        {
            session.GenerateKeyPair(mechanism, publicTemplate, privateTemplate, out var publicHandle, out var privateHandle);
            return (publicHandle, privateHandle);
        }
        catch (Pkcs11Exception error) when (parameters is null && keyType == KeyType.Ed25519 && IsCurveRefusal(error.RV))
        {
            // Some tokens name the curve by the printable string of the older drafts instead of the OID.
            return GenerateKeyPair(session, keyType, configuration, persistent, Ed25519NameParameters);
        }
        catch (Pkcs11Exception error)
        {
            throw new Pkcs11StepException(error, Pkcs11ErrorMapping.Step.Other);
        }
    }

    /// <summary>
    /// The ledger's 33-byte public key from CKA_EC_POINT (a DER OCTET STRING on most tokens, the bare value on a few):
    /// secp256k1 compressed from the uncompressed point; Ed25519 as 0xED and the 32-byte key.
    /// </summary>
    internal static byte[] LedgerPublicKey(byte[] ecPoint, KeyType keyType, Pkcs11SlotConfiguration configuration)
    {
        var expected = keyType == KeyType.Secp256k1 ? 65 : 32;
        var point = ecPoint.Length == expected + 2 && ecPoint[0] == 0x04 && ecPoint[1] == expected ? ecPoint[2..] : ecPoint;
        if (point.Length != expected || (keyType == KeyType.Secp256k1 && point[0] != 0x04))
        {
            throw new Pkcs11UnlockException(Pkcs11Failure.MechanismUnsupported, $"PKCS#11 {configuration.TokenDescription}: the generated key's public point has an unexpected form");
        }

        return keyType == KeyType.Secp256k1
            ? [(byte)(0x02 | (point[64] & 1)), .. point.AsSpan(1, 32)]
            : [PublicKeys.Ed25519Prefix, .. point];
    }

    private static void Check(ISession session, List<CKM> mechanisms, KeyType keyType, List<string> offered, Dictionary<string, string> missing)
    {
        var (generate, sign) = keyType == KeyType.Secp256k1
            ? (CKM.CKM_EC_KEY_PAIR_GEN, CKM.CKM_ECDSA)
            : (EdwardsKeyPairGen, EdDsa);
        var name = KeyTypes.Name(keyType);
        var lacking = new List<string>();
        if (!mechanisms.Contains(generate))
        {
            lacking.Add(keyType == KeyType.Secp256k1 ? "CKM_EC_KEY_PAIR_GEN" : "CKM_EC_EDWARDS_KEY_PAIR_GEN");
        }

        if (!mechanisms.Contains(sign))
        {
            lacking.Add(keyType == KeyType.Secp256k1 ? "CKM_ECDSA" : "CKM_EDDSA");
        }

        if (lacking.Count == 0 && CurveRefused(session, keyType) is { } refusal)
        {
            lacking.Add($"the {(keyType == KeyType.Secp256k1 ? "secp256k1" : "Ed25519")} curve ({refusal})");
        }

        if (lacking.Count == 0)
        {
            offered.Add(name);
        }
        else
        {
            missing[name] = string.Join(" and ", lacking);
        }
    }

    /// <summary>
    /// Asks the token to make a throw-away public session key pair on the curve: the mechanism list does not say
    /// which curves a token knows. Only a refusal of the curve itself counts as missing; anything else (a token
    /// that makes no session keys without a login) leaves the answer to the mechanism list.
    /// </summary>
    private static string? CurveRefused(ISession session, KeyType keyType)
    {
        try
        {
            var (publicHandle, privateHandle) = GenerateKeyPair(session, keyType, null!, persistent: false);
            session.DestroyObject(privateHandle);
            session.DestroyObject(publicHandle);
            return null;
        }
        catch (Pkcs11StepException error) when (IsCurveRefusal(error.Error.RV))
        {
            return error.Error.RV.ToString();
        }
        catch (Pkcs11StepException)
        {
            return null;
        }
        catch (Pkcs11Exception)
        {
            return null;
        }
    }

    private static bool IsCurveRefusal(CKR returnValue) =>
        returnValue is CKR.CKR_CURVE_NOT_SUPPORTED or CKR.CKR_DOMAIN_PARAMS_INVALID or CKR.CKR_ATTRIBUTE_VALUE_INVALID or CKR.CKR_MECHANISM_INVALID;

    /// <summary>The key label alone (the id is fresh): used to refuse a second key under a label in use.</summary>
    private static Pkcs11SlotConfiguration LabelOnly(Pkcs11SlotConfiguration configuration) =>
        new(configuration.ModulePath, configuration.TokenLabel, configuration.TokenSerial, configuration.KeyLabel, null, configuration.Mode);

    private static void RequirePin(int length)
    {
        if (length == 0)
        {
            throw new UnlockFailedException(UnlockFailureReason.NoSecret, "PKCS#11: a PIN is required and none was given");
        }
    }

    /// <summary>
    /// Runs a token call and maps its failures onto the port's errors: a refused PIN counts toward the lockout
    /// (WrongSecret); a missing module, token or key tested no PIN (unavailable); a missing mechanism is named.
    /// </summary>
    private static T Run<T>(Pkcs11SlotConfiguration configuration, Func<T> operation)
    {
        try
        {
            return operation();
        }
        catch (Pkcs11UnlockException error)
        {
            throw error.Failure switch
            {
                Pkcs11Failure.PinIncorrect or Pkcs11Failure.PinFormatInvalid
                    => new UnlockFailedException(UnlockFailureReason.WrongSecret, error.Message, error),
                Pkcs11Failure.MechanismUnsupported
                    => new KeyProviderUnavailableException($"PKCS#11 {configuration.TokenDescription}: the token refused the on-token key operation; run `hsmwallet status` to see which curves it offers [{error.ReturnValue}]", error),
                _ => (Exception)new KeyProviderUnavailableException(error.Message, error),
            };
        }
    }
}
