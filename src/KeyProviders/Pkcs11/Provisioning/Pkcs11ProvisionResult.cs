namespace HsmWallet.KeyProviders.Pkcs11;

/// <summary>
/// What provisioning made: the slot configuration that now names the new key, and for key pairs the public key
/// as PEM, so enrolment can also happen away from the token.
/// </summary>
/// <param name="Configuration">The configuration to store (unchanged input: the key is found by the same label/id).</param>
/// <param name="PublicKeyPem">SubjectPublicKeyInfo PEM of the new key pair; null for an AES key.</param>
public sealed record Pkcs11ProvisionResult(Pkcs11SlotConfiguration Configuration, string? PublicKeyPem);
