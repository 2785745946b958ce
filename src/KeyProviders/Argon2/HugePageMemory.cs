using System.Runtime.InteropServices;

namespace HsmWallet.KeyProviders.Argon2;

/// <summary>
/// Argon2's working memory (64 MiB and more, read in an order that depends on the password) mapped on 2 MiB
/// boundaries and marked for transparent huge pages, so filling it takes 32 page faults instead of 16,384 and
/// its reads miss the TLB far less: the KDF costs less CPU at the same parameters. Where the kernel gives no huge
/// pages the memory is an ordinary private mapping. Unmapped as soon as the library is done (it wipes it first), so
/// nothing stays resident between unlocks.
/// </summary>
internal static unsafe partial class HugePageMemory
{
    private const nuint HugePage = 2 * 1024 * 1024;
    private const int ProtectionReadWrite = 0x1 | 0x2;
    private const int MapPrivateAnonymous = 0x02 | 0x20;
    private const int AdviseHugePage = 14;
    private const int MemoryAllocationError = -22;

    /// <summary>argon2_context.allocate_cbk: maps <paramref name="size"/> bytes on a huge-page boundary.</summary>
    [UnmanagedCallersOnly]
    public static int Allocate(byte** memory, nuint size)
    {
        *memory = null;
        if (size == 0 || size > nuint.MaxValue - HugePage)
        {
            return MemoryAllocationError;
        }

        var mapped = size + HugePage;
        var start = Map(null, mapped, ProtectionReadWrite, MapPrivateAnonymous, -1, 0);
        if (start == (void*)-1)
        {
            return MemoryAllocationError;
        }

        // Keep the aligned part, give back the head and tail: Free then needs only the pointer and size it is handed.
        var first = (nuint)start;
        var aligned = (first + HugePage - 1) & ~(HugePage - 1);
        var end = first + mapped;
        if (aligned > first)
        {
            _ = Unmap((void*)first, aligned - first);
        }

        if (end > aligned + size)
        {
            _ = Unmap((void*)(aligned + size), end - (aligned + size));
        }

        // Advice only: a kernel without transparent huge pages leaves ordinary pages, which work the same.
        _ = Advise((void*)aligned, size, AdviseHugePage);
        *memory = (byte*)aligned;
        return 0;
    }

    /// <summary>argon2_context.free_cbk: unmaps what <see cref="Allocate"/> mapped (the library has wiped it).</summary>
    [UnmanagedCallersOnly]
    public static void Free(byte* memory, nuint size)
    {
        if (memory is not null && size > 0)
        {
            _ = Unmap(memory, size);
        }
    }

    [LibraryImport("libc", EntryPoint = "mmap")]
    private static partial void* Map(void* address, nuint length, int protection, int flags, int descriptor, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap")]
    private static partial int Unmap(void* address, nuint length);

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Advise(void* address, nuint length, int advice);
}
