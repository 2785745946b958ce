using System.Runtime.InteropServices;

namespace HsmWallet.KeyProviders.Argon2;

/// <summary>
/// The one binding of the reference Argon2 library (Debian `libargon2-1`): the vault password's KDF
/// (<see cref="Password.LibArgon2id"/>) and the TPM PIN hardening (<see cref="Tpm.PinHardening.LibArgon2PinHasher"/>)
/// both call it and map its result into their own errors.
/// </summary>
internal static unsafe partial class LibArgon2
{
    /// <summary>The shared library's name as Debian installs it.</summary>
    public const string LibraryName = "libargon2.so.1";

    /// <summary>ARGON2_OK.</summary>
    public const int Ok = 0;

    /// <summary>The install hint every "library missing" error gives.</summary>
    public const string Missing = LibraryName + " is missing: install the Debian package libargon2-1";

    /// <summary>Whether the library loads here.</summary>
    public static bool IsPresent()
    {
        if (!NativeLibrary.TryLoad(LibraryName, typeof(LibArgon2).Assembly, null, out var handle))
        {
            return false;
        }

        NativeLibrary.Free(handle);
        return true;
    }

    /// <summary>
    /// Raw Argon2id (v1.3) of <paramref name="password"/> and <paramref name="salt"/> into <paramref name="output"/>;
    /// returns the library's code (<see cref="Ok"/> on success). Throws <see cref="DllNotFoundException"/> when the
    /// library is absent. The library fills its memory from <see cref="HugePageMemory"/>: the same result, fewer page
    /// faults and TLB misses (the library wipes the memory before it hands it back).
    /// </summary>
    public static int HashRaw(uint iterations, uint memoryKib, uint parallelism, ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, Span<byte> output)
    {
        fixed (byte* passwordPointer = password)
        fixed (byte* saltPointer = salt)
        fixed (byte* outputPointer = output)
        {
            var context = new Argon2Context
            {
                Out = outputPointer,
                OutLength = (uint)output.Length,
                Password = passwordPointer,
                PasswordLength = (uint)password.Length,
                Salt = saltPointer,
                SaltLength = (uint)salt.Length,
                TimeCost = iterations,
                MemoryCostKib = memoryKib,
                Lanes = parallelism,
                Threads = parallelism,
                Version = Version13,
                Allocate = &HugePageMemory.Allocate,
                Free = &HugePageMemory.Free,
            };
            return Argon2Ctx(&context, Argon2id);
        }
    }

    /// <summary>
    /// Raw Argon2id through the library's own allocator (argon2id_hash_raw): the cross-check that
    /// <see cref="HashRaw"/>'s memory changes nothing in the result.
    /// </summary>
    internal static int HashRawWithLibraryMemory(uint iterations, uint memoryKib, uint parallelism, ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, Span<byte> output)
    {
        fixed (byte* passwordPointer = password)
        fixed (byte* saltPointer = salt)
        fixed (byte* outputPointer = output)
        {
            return Argon2idHashRaw(
                iterations, memoryKib, parallelism,
                passwordPointer, (nuint)password.Length, saltPointer, (nuint)salt.Length, outputPointer, (nuint)output.Length);
        }
    }

    private const uint Version13 = 0x13;
    private const int Argon2id = 2;

    /// <summary>argon2id_hash_raw: raw output, no encoding; m_cost in KiB.</summary>
    [LibraryImport(LibraryName, EntryPoint = "argon2id_hash_raw")]
    private static partial int Argon2idHashRaw(
        uint timeCost, uint memoryCostKib, uint parallelism,
        byte* password, nuint passwordLength, byte* salt, nuint saltLength, byte* hash, nuint hashLength);

    /// <summary>argon2_ctx: the same function with the caller's context (memory callbacks, lanes and threads apart).</summary>
    [LibraryImport(LibraryName, EntryPoint = "argon2_ctx")]
    private static partial int Argon2Ctx(Argon2Context* context, int type);

    /// <summary>argon2_context as argon2.h (20171227 and later) lays it out.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Argon2Context
    {
        public byte* Out;
        public uint OutLength;
        public byte* Password;
        public uint PasswordLength;
        public byte* Salt;
        public uint SaltLength;
        public byte* Secret;
        public uint SecretLength;
        public byte* AssociatedData;
        public uint AssociatedDataLength;
        public uint TimeCost;
        public uint MemoryCostKib;
        public uint Lanes;
        public uint Threads;
        public uint Version;
        public delegate* unmanaged<byte**, nuint, int> Allocate;
        public delegate* unmanaged<byte*, nuint, void> Free;
        public uint Flags;
    }
}
