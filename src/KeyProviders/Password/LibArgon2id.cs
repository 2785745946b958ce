using System.Runtime.InteropServices;
using HsmWallet.Core.Unlocking;

namespace HsmWallet.KeyProviders.Password;

/// <summary>
/// Argon2id by the reference C implementation (Debian `libargon2-1`, `argon2id_hash_raw`): as fast as the
/// reference `argon2` tool, multi-threaded, any salt length, and it wipes its memory blocks
/// (docs/vault-format.md, "Why this Argon2id").
/// </summary>
public sealed partial class LibArgon2id : IArgon2id
{
    /// <summary>The shared library's name as Debian installs it.</summary>
    public const string LibraryName = "libargon2.so.1";

    private const int Ok = 0;

    /// <inheritdoc />
    public unsafe void DeriveKey(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, Argon2Parameters parameters, Span<byte> output)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        int result;
        try
        {
            fixed (byte* passwordPointer = password)
            fixed (byte* saltPointer = salt)
            fixed (byte* outputPointer = output)
            {
                result = HashRaw(
                    (uint)parameters.Iterations, (uint)parameters.MemoryKib, (uint)parameters.Parallelism,
                    passwordPointer, (nuint)password.Length, saltPointer, (nuint)salt.Length, outputPointer, (nuint)output.Length);
            }
        }
        catch (DllNotFoundException exception)
        {
            throw new KeyProviderUnavailableException($"{LibraryName} is missing: install the Debian package libargon2-1", exception);
        }

        if (result != Ok)
        {
            throw new KeyProviderUnavailableException($"argon2id failed with libargon2 error {result}");
        }
    }

    /// <inheritdoc />
    public KeyProviderHealth CheckHealth()
    {
        if (NativeLibrary.TryLoad(LibraryName, typeof(LibArgon2id).Assembly, null, out var handle))
        {
            NativeLibrary.Free(handle);
            return KeyProviderHealth.Healthy($"{LibraryName} found");
        }

        return KeyProviderHealth.Unhealthy($"{LibraryName} is missing: install the Debian package libargon2-1");
    }

    [LibraryImport(LibraryName, EntryPoint = "argon2id_hash_raw")]
    private static unsafe partial int HashRaw(
        uint iterations, uint memoryKib, uint parallelism,
        byte* password, nuint passwordLength, byte* salt, nuint saltLength, byte* hash, nuint hashLength);
}
