using HsmWallet.Core;
using HsmWallet.Core.Vault;
using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.Cli.Vault;

/// <summary>
/// The form of a wallet secret in the vault, told apart by its length: 16 bytes are a family seed's
/// entropy (key derived the XRPL way for the record's key type), 32 bytes a raw private key (what a
/// BIP-39 mnemonic derived at import). Signing re-creates the key from it and disposes it at once.
/// </summary>
internal static class StoredKey
{
    /// <summary>Length of a raw private key secret (secp256k1 scalar or Ed25519 seed).</summary>
    public const int PrivateKeyLength = 32;

    /// <summary>Re-creates the signing key of a wallet from its stored secret; the caller disposes it.</summary>
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

    /// <summary>Parses a record's key type string.</summary>
    public static KeyType KeyTypeOf(string name) => name switch
    {
        "ed25519" => KeyType.Ed25519,
        "secp256k1" => KeyType.Secp256k1,
        _ => throw new InvalidInputException("key_type", "must be ed25519 or secp256k1"),
    };
}
