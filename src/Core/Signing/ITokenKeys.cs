using HsmWallet.Core.Secrets;
using HsmWallet.Core.Vault;
using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.Core.Signing;

/// <summary>
/// The port to a device that generates and keeps wallet keys and signs with them, the key never leaving it (a
/// PKCS#11 token). Core keeps the rules (PIN from the secret sources, the lockout, checking every signature
/// against the recorded public key); an adapter only talks to the device. Errors: a refused PIN is
/// <see cref="Unlocking.UnlockFailedException"/> with reason WrongSecret; a device, token or key that is not there
/// (nothing tested against the PIN) is <see cref="Unlocking.KeyProviderUnavailableException"/>; a token that lacks a
/// mechanism or curve is <see cref="InvalidInputException"/> naming what is missing.
/// </summary>
public interface ITokenKeys
{
    /// <summary>The device kind a <see cref="TokenKeyReference"/> names for this adapter ("pkcs11").</summary>
    string Kind { get; }

    /// <summary>What to ask the secret sources for before using the token (its user PIN).</summary>
    SecretRequest PinRequest(TokenKeyReference token);

    /// <summary>Which XRPL key types the token can generate and sign with on the device (empty when none).</summary>
    TokenCapabilities Probe(TokenKeyReference token);

    /// <summary>
    /// Generates a key pair of <paramref name="keyType"/> on the token (sensitive, not extractable, private, a token
    /// object) under <paramref name="token"/>'s key label and a fresh random CKA_ID: login, generate, logout.
    /// </summary>
    GeneratedTokenKey Generate(TokenKeyReference token, KeyType keyType, ReadOnlySpan<byte> pin);

    /// <summary>Signs on the device: login, sign, logout. Returns the raw signature (secp256k1: r || s; Ed25519: 64 bytes).</summary>
    byte[] Sign(TokenKeyReference key, KeyType keyType, ReadOnlySpan<byte> message, ReadOnlySpan<byte> pin);

    /// <summary>Destroys a key pair this process just generated, when the wallet could not be stored after all.</summary>
    void Destroy(TokenKeyReference key, ReadOnlySpan<byte> pin);
}

/// <summary>A key pair just generated on a token: where it is, and its public key in the ledger's 33-byte form.</summary>
/// <param name="Key">The token, key label and the random CKA_ID.</param>
/// <param name="PublicKey">The 33-byte public key (compressed secp256k1, or 0xED and the Ed25519 key).</param>
public sealed record GeneratedTokenKey(TokenKeyReference Key, byte[] PublicKey);

/// <summary>What a token offers for XRPL keys on the device, found by asking it for its mechanisms.</summary>
/// <param name="Offered">The key types it can generate and sign with ("secp256k1", "ed25519").</param>
/// <param name="Missing">For each key type it cannot serve, what is missing (mechanism or curve), for a clear error.</param>
public sealed record TokenCapabilities(IReadOnlyList<string> Offered, IReadOnlyDictionary<string, string> Missing)
{
    /// <summary>Throws <see cref="InvalidInputException"/> naming key_type and what the token lacks, unless it serves <paramref name="keyType"/>.</summary>
    public void Require(KeyType keyType, string tokenDescription)
    {
        var name = Offered.Contains(KeyTypes.Name(keyType)) ? null : KeyTypes.Name(keyType);
        if (name is not null)
        {
            var missing = Missing.TryGetValue(name, out var what) ? what : "the mechanisms";
            throw new InvalidInputException("key_type", $"{name} keys cannot live on the {tokenDescription}: it lacks {missing}; choose the other key type or keep this wallet in the vault (docs/on-token-keys.md)");
        }
    }
}
