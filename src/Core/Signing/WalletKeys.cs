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
        var keyType = KeyTypes.Parse(wallet.KeyType, "key_type");
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
}
