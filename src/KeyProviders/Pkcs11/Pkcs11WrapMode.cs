namespace HsmWallet.KeyProviders.Pkcs11;

/// <summary>
/// How a token protects the vault key; recorded in the slot so unwrapping uses the same scheme that wrapped.
/// </summary>
public enum Pkcs11WrapMode
{
    /// <summary>A token-resident AES-256 key encrypts the vault key with CKM_AES_GCM (HSMs, YubiHSM 2, SoftHSM2).</summary>
    AesGcm,

    /// <summary>ECIES to the token's P-256 key: ECDH on the token, HKDF-SHA256 and AES-GCM in .NET (YubiKey PIV, smartcards).</summary>
    Ecies,

    /// <summary>RSA-OAEP (SHA-1) to the token's RSA key protects a one-time AES-GCM key (tokens with RSA keys only).</summary>
    RsaOaep,
}

/// <summary>Converts wrap modes to and from the names of the CLI and the vault slot ("aes-gcm", "ecies", "rsa-oaep").</summary>
public static class Pkcs11WrapModeNames
{
    /// <summary>Gives the stable name stored in the vault and accepted by --mode.</summary>
    public static string ToName(this Pkcs11WrapMode mode) => mode switch
    {
        Pkcs11WrapMode.AesGcm => "aes-gcm",
        Pkcs11WrapMode.Ecies => "ecies",
        Pkcs11WrapMode.RsaOaep => "rsa-oaep",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    /// <summary>Parses a stored or typed mode name; anything else is bad input.</summary>
    public static Pkcs11WrapMode Parse(string? name) => name switch
    {
        "aes-gcm" => Pkcs11WrapMode.AesGcm,
        "ecies" => Pkcs11WrapMode.Ecies,
        "rsa-oaep" => Pkcs11WrapMode.RsaOaep,
        _ => throw new HsmWallet.Core.InvalidInputException("mode", "must be aes-gcm, ecies or rsa-oaep"),
    };
}
