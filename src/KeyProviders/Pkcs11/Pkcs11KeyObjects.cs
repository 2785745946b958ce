using HsmWallet.KeyProviders.Pkcs11.Session;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmWallet.KeyProviders.Pkcs11;

/// <summary>
/// Finds the one key object a configuration names (by class, label and/or id) and reads the public values
/// enrolment needs; a missing or ambiguous key is KeyNotFound, never a guess.
/// </summary>
internal static class Pkcs11KeyObjects
{
    /// <summary>Finds exactly one object of the class; throws KeyNotFound otherwise.</summary>
    public static IObjectHandle Find(ISession session, Pkcs11SlotConfiguration configuration, CKO objectClass, CKK keyType)
        => TryFind(session, configuration, objectClass, keyType)
            ?? throw new Pkcs11UnlockException(Pkcs11Failure.KeyNotFound, $"PKCS#11 {configuration.TokenDescription}: no {Describe(objectClass)} {configuration.KeyDescription} of the type the {configuration.Mode.ToName()} mode needs");

    /// <summary>Finds exactly one object of the class, or null when there is none; more than one is an error.</summary>
    public static IObjectHandle? TryFind(ISession session, Pkcs11SlotConfiguration configuration, CKO objectClass, CKK keyType)
    {
        var attributes = session.Factories.ObjectAttributeFactory;
        var template = new List<IObjectAttribute>
        {
            attributes.Create(CKA.CKA_CLASS, objectClass),
            attributes.Create(CKA.CKA_KEY_TYPE, keyType),
        };
        if (configuration.KeyLabel is not null)
        {
            template.Add(attributes.Create(CKA.CKA_LABEL, configuration.KeyLabel));
        }

        if (configuration.KeyIdBytes is { } id)
        {
            template.Add(attributes.Create(CKA.CKA_ID, id));
        }

        var found = Pkcs11StepException.Run(Pkcs11ErrorMapping.Step.Session, () => session.FindAllObjects(template));
        return found.Count switch
        {
            0 => null,
            1 => found[0],
            _ => throw new Pkcs11UnlockException(Pkcs11Failure.KeyNotFound, $"PKCS#11 {configuration.TokenDescription}: more than one {Describe(objectClass)} {configuration.KeyDescription}; give both key label and key id"),
        };
    }

    /// <summary>Reads the uncompressed P-256 point (65 bytes) of the configured EC public key.</summary>
    public static byte[] ReadEcPoint(ISession session, Pkcs11SlotConfiguration configuration)
    {
        var handle = Find(session, configuration, CKO.CKO_PUBLIC_KEY, CKK.CKK_EC);
        var values = Pkcs11StepException.Run(Pkcs11ErrorMapping.Step.Other, () => session.GetAttributeValue(handle, [CKA.CKA_EC_POINT]));
        var point = UnwrapOctetString(values[0].GetValueAsByteArray());
        if (point.Length != EciesEnvelope.PointLength || point[0] != 0x04)
        {
            throw new Pkcs11UnlockException(Pkcs11Failure.MechanismUnsupported, $"PKCS#11 {configuration.TokenDescription}: the {configuration.KeyDescription} is not a P-256 key");
        }

        return point;
    }

    /// <summary>Reads the modulus and public exponent of the configured RSA public key.</summary>
    public static System.Security.Cryptography.RSAParameters ReadRsaPublicKey(ISession session, Pkcs11SlotConfiguration configuration)
    {
        var handle = Find(session, configuration, CKO.CKO_PUBLIC_KEY, CKK.CKK_RSA);
        var values = Pkcs11StepException.Run(Pkcs11ErrorMapping.Step.Other, () => session.GetAttributeValue(handle, [CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT]));
        return new System.Security.Cryptography.RSAParameters
        {
            Modulus = values[0].GetValueAsByteArray(),
            Exponent = values[1].GetValueAsByteArray(),
        };
    }

    /// <summary>CKA_EC_POINT is a DER OCTET STRING around the point on most tokens, the bare point on a few.</summary>
    internal static byte[] UnwrapOctetString(byte[] value)
    {
        if (value.Length == EciesEnvelope.PointLength + 2 && value[0] == 0x04 && value[1] == EciesEnvelope.PointLength)
        {
            return value[2..];
        }

        return value;
    }

    private static string Describe(CKO objectClass) => objectClass switch
    {
        CKO.CKO_SECRET_KEY => "secret",
        CKO.CKO_PRIVATE_KEY => "private",
        CKO.CKO_PUBLIC_KEY => "public",
        _ => "key",
    };
}
