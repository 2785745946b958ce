using HsmWallet.Core.Unlocking;
using HsmWallet.KeyProviders.Argon2;

namespace HsmWallet.KeyProviders.Password;

/// <summary>
/// Argon2id by the reference C implementation (Debian `libargon2-1`, `argon2id_hash_raw`, bound once in
/// <see cref="LibArgon2"/>): as fast as the reference `argon2` tool, multi-threaded, any salt length, and it wipes
/// its memory blocks (docs/vault-format.md, "Why this Argon2id").
/// </summary>
public sealed class LibArgon2id : IArgon2id
{
    /// <summary>The shared library's name as Debian installs it.</summary>
    public const string LibraryName = LibArgon2.LibraryName;

    /// <inheritdoc />
    public void DeriveKey(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, Argon2Parameters parameters, Span<byte> output)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        int result;
        try
        {
            result = LibArgon2.HashRaw((uint)parameters.Iterations, (uint)parameters.MemoryKib, (uint)parameters.Parallelism, password, salt, output);
        }
        catch (DllNotFoundException exception)
        {
            throw new KeyProviderUnavailableException(LibArgon2.Missing, exception);
        }

        if (result != LibArgon2.Ok)
        {
            throw new KeyProviderUnavailableException($"argon2id failed with libargon2 error {result}");
        }
    }

    /// <inheritdoc />
    public KeyProviderHealth CheckHealth() =>
        LibArgon2.IsPresent() ? KeyProviderHealth.Healthy($"{LibraryName} found") : KeyProviderHealth.Unhealthy(LibArgon2.Missing);
}
