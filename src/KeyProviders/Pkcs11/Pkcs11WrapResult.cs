namespace HsmWallet.KeyProviders.Pkcs11;

/// <summary>
/// What enrolment hands the vault: the wrapped vault key (self-contained, stored as is) and, for ECIES, the
/// ephemeral public key also found at its start. Nothing here is secret.
/// </summary>
/// <remarks>
/// Layouts: aes-gcm = nonce(12) | ciphertext(32) | tag(16); ecies = ephemeral P-256 point (65, uncompressed) |
/// nonce(12) | ciphertext(32) | tag(16); rsa-oaep = RSA-OAEP ciphertext of a one-time AES-256 key (modulus length) |
/// nonce(12) | ciphertext(32) | tag(16). The associated data is never stored here: the vault supplies it.
/// </remarks>
/// <param name="Mode">The scheme that produced the bytes.</param>
/// <param name="Wrapped">The wrapped vault key to store in the slot.</param>
/// <param name="EphemeralPublicKey">For ecies, the 65-byte uncompressed ephemeral point (already inside <paramref name="Wrapped"/>); otherwise empty.</param>
public sealed record Pkcs11WrapResult(Pkcs11WrapMode Mode, byte[] Wrapped, byte[] EphemeralPublicKey);
