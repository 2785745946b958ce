using System.Security.Cryptography;
using System.Text;

namespace HsmWallet.KeyProviders.Pkcs11;

/// <summary>
/// ECIES to a token's P-256 key: an ephemeral key pair made in .NET, ECDH with the token's public point,
/// HKDF-SHA256 over the shared x-coordinate, AES-256-GCM. Enrolment needs only the public key; opening needs
/// the shared secret, which only the token (after PIN login) can compute.
/// </summary>
internal static class EciesEnvelope
{
    /// <summary>Bytes of an uncompressed P-256 point (0x04 | X | Y).</summary>
    public const int PointLength = 65;

    /// <summary>Bytes of the whole wrapped value.</summary>
    public const int Length = PointLength + GcmEnvelope.Length;

    private static readonly byte[] Info = Encoding.ASCII.GetBytes("HsmWallet PKCS#11 ECIES P-256 v1");

    /// <summary>Wraps the vault key to the recipient point; returns ephemeral point | nonce | ciphertext | tag.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> recipientPoint, ReadOnlySpan<byte> vaultKey, ReadOnlySpan<byte> associatedData)
    {
        using var recipient = ECDiffieHellman.Create(ToParameters(recipientPoint));
        using var ephemeral = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var ephemeralPoint = ExportPoint(ephemeral);
        var shared = ephemeral.DeriveRawSecretAgreement(recipient.PublicKey);
        var key = new byte[32];
        try
        {
            DeriveKey(shared, ephemeralPoint, key);
            return [.. ephemeralPoint, .. GcmEnvelope.Seal(key, vaultKey, associatedData)];
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Opens with the shared secret the token derived; writes the vault key into the caller's buffer.</summary>
    public static void Open(ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> associatedData, Span<byte> destination)
    {
        Span<byte> key = stackalloc byte[32];
        try
        {
            DeriveKey(sharedSecret, wrapped[..PointLength], key);
            GcmEnvelope.Open(key, wrapped[PointLength..], associatedData, destination);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Checks a point is an uncompressed P-256 point on the curve (ECDH on an invalid point leaks).</summary>
    public static bool IsValidPoint(ReadOnlySpan<byte> point)
    {
        if (point.Length != PointLength || point[0] != 0x04)
        {
            return false;
        }

        try
        {
            using var key = ECDiffieHellman.Create(ToParameters(point));
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>Reads a P-256 public key from SubjectPublicKeyInfo PEM and returns its uncompressed point.</summary>
    public static byte[] PointFromPem(string pem)
    {
        using var key = ECDiffieHellman.Create();
        key.ImportFromPem(pem);
        var parameters = key.ExportParameters(false);
        if (parameters.Curve.Oid?.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            throw new HsmWallet.Core.InvalidInputException("public-key", "must be a P-256 key");
        }

        return ExportPoint(key);
    }

    private static void DeriveKey(ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> ephemeralPoint, Span<byte> key)
    {
        // The ephemeral point in the info binds the key to this enrolment, as ECIES (SEC 1) does.
        Span<byte> info = stackalloc byte[Info.Length + PointLength];
        Info.CopyTo(info);
        ephemeralPoint.CopyTo(info[Info.Length..]);
        HKDF.DeriveKey(HashAlgorithmName.SHA256, sharedSecret, key, salt: default, info);
    }

    private static ECParameters ToParameters(ReadOnlySpan<byte> point) => new()
    {
        Curve = ECCurve.NamedCurves.nistP256,
        Q = new ECPoint { X = point.Slice(1, 32).ToArray(), Y = point.Slice(33, 32).ToArray() },
    };

    private static byte[] ExportPoint(ECDiffieHellman key)
    {
        var parameters = key.ExportParameters(false);
        return [0x04, .. parameters.Q.X!, .. parameters.Q.Y!];
    }
}
