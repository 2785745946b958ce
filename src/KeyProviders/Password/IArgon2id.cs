using HsmWallet.Core.Unlocking;

namespace HsmWallet.KeyProviders.Password;

/// <summary>
/// One Argon2id computation, behind an interface so the password unlocker can be measured, swapped, and
/// proven (in tests) not to run while unlocking is locked out.
/// </summary>
public interface IArgon2id
{
    /// <summary>Derives <paramref name="output"/>.Length bytes from the password and salt.</summary>
    void DeriveKey(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, Argon2Parameters parameters, Span<byte> output);

    /// <summary>Whether the implementation can run here (its library is present).</summary>
    KeyProviderHealth CheckHealth();
}
