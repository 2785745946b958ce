using HsmWallet.Core.Vault;
using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.Core.Signing;

/// <summary>
/// Turns a wallet's stored secret into its signing key for one operation, told apart by length: 16 bytes are a
/// family seed's entropy, 32 bytes a raw private key (what a BIP-39 mnemonic derived at import). The key must
/// give the recorded public key, so a damaged or swapped record can never sign.
/// </summary>
public static class WalletKeys
{
    /// <summary>Length of a raw private key secret (secp256k1 scalar or Ed25519 seed).</summary>
    public const int PrivateKeyLength = 32;

    /// <summary>Re-creates the signing key of <paramref name="wallet"/>; the caller disposes it at once.</summary>
    public static XrplSigningKey Open(ReadOnlySpan<byte> secret, WalletInfo wallet)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        var keyType = KeyTypeOf(wallet.KeyType);
        XrplSigningKey key;
        if (secret.Length == DecodedSeed.EntropyLength)
        {
            using var seed = DecodedSeed.FromEntropy(secret, keyType);
            key = XrplSigningKey.FromSeed(seed);
        }
        else if (secret.Length == PrivateKeyLength)
        {
            key = XrplSigningKey.FromPrivateKey(secret, keyType);
        }
        else
        {
            throw new InvalidInputException("wallet", "holds a secret of an unknown form");
        }

        if (!string.Equals(Convert.ToHexString(key.PublicKey), wallet.PublicKey, StringComparison.OrdinalIgnoreCase))
        {
            key.Dispose();
            throw new InvalidInputException("wallet", "its secret does not give the recorded public key");
        }

        return key;
    }

    /// <summary>The key type's name as wallet records and outputs write it (ed25519, secp256k1).</summary>
    public static string NameOf(KeyType keyType) => keyType == KeyType.Ed25519 ? "ed25519" : "secp256k1";

    /// <summary>Parses a record's key type name.</summary>
    public static KeyType KeyTypeOf(string name) => name switch
    {
        "ed25519" => KeyType.Ed25519,
        "secp256k1" => KeyType.Secp256k1,
        _ => throw new InvalidInputException("key_type", "must be ed25519 or secp256k1"),
    };
}
