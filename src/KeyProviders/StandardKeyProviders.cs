using HsmWallet.Core.Unlocking;
using HsmWallet.KeyProviders.KeyFile;
using HsmWallet.KeyProviders.Password;
using HsmWallet.KeyProviders.Pkcs11;
using HsmWallet.KeyProviders.Recovery;
using HsmWallet.KeyProviders.Secp256k1;
using HsmWallet.KeyProviders.Tpm;

namespace HsmWallet.KeyProviders;

/// <summary>
/// The unlockers every host offers (password, key file, recovery key), registered in one call so the CLI,
/// the MCP server and tests open the same slots; PKCS#11 and TPM register here when they land.
/// </summary>
public static class StandardKeyProviders
{
    /// <summary>
    /// A registry with the standard unlockers; <paramref name="argon2"/> replaces libargon2 (tests, benches). Every host
    /// composes through here, so it also offers native libsecp256k1 for secp256k1 signing (loaded at first use).
    /// </summary>
    public static KeyProviderRegistry CreateRegistry(IArgon2id? argon2 = null)
    {
        NativeSecp256k1.Offer();
        var registry = new KeyProviderRegistry();
        registry.Register(PasswordKeyProvider.KindName, () => new PasswordKeyProvider(argon2: argon2));
        registry.Register(KeyFileKeyProvider.KindName, () => new KeyFileKeyProvider());
        registry.Register(RecoveryKeyProvider.KindName, () => new RecoveryKeyProvider());
        registry.Register(Pkcs11KeyProvider.KindName, () => new Pkcs11KeyProvider());
        registry.Register(TpmKeyProvider.KindName, () => new TpmKeyProvider());
        return registry;
    }
}
