namespace HsmWallet.Core.Xrpl.Keys;

/// <summary>
/// The two signature schemes the XRP Ledger accepts; each key, seed and signature belongs to exactly
/// one, so code that handles keys must always know which.
/// </summary>
public enum KeyType
{
    /// <summary>ECDSA on secp256k1: the ledger's original scheme and the only one BIP-32 wallets produce.</summary>
    Secp256k1,

    /// <summary>EdDSA on Curve25519: faster to sign and verify, the default for new XRPL wallets.</summary>
    Ed25519,
}
