using HsmWallet.Core.Xrpl.Addresses;

namespace HsmWallet.Core.Xrpl.Keys;

/// <summary>
/// Anything that makes XRPL signatures for one key pair: a key held in memory (<see cref="XrplSigningKey"/>) or a key
/// that lives on a device and never leaves it. Transactions are signed through this, so both take the same checks.
/// </summary>
public interface IXrplSigner
{
    /// <summary>The scheme the key signs with.</summary>
    KeyType KeyType { get; }

    /// <summary>The 33-byte public key as the ledger shows it.</summary>
    ReadOnlySpan<byte> PublicKey { get; }

    /// <summary>The account this key controls by default.</summary>
    AccountId AccountId { get; }

    /// <summary>Signs a message the XRPL way (secp256k1: low-S DER over SHA-512Half; Ed25519: 64 bytes over the message).</summary>
    byte[] Sign(ReadOnlySpan<byte> message);
}
