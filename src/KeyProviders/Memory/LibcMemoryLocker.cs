using System.Runtime.InteropServices;
using HsmWallet.Core.Secrets;

namespace HsmWallet.KeyProviders.Memory;

/// <summary>
/// Locks the pages of every <see cref="SecureBuffer"/> with mlock(2) so secrets are never swapped out.
/// Pinned buffers can share a page, and mlock does not nest, so pages are reference-counted.
/// </summary>
public sealed partial class LibcMemoryLocker : IMemoryLocker
{
    private readonly Dictionary<long, int> _pages = [];
    private readonly Lock _gate = new();
    private readonly long _pageSize = Environment.SystemPageSize;

    /// <summary>Installs the locker for every buffer allocated from now on (call once at start-up, Linux only).</summary>
    public static void Install()
    {
        if (OperatingSystem.IsLinux())
        {
            SecureMemory.Install(new LibcMemoryLocker());
        }
    }

    /// <inheritdoc />
    public bool Lock(IntPtr address, nuint length)
    {
        var locked = true;
        lock (_gate)
        {
            foreach (var page in Pages(address, length))
            {
                _pages.TryGetValue(page, out var count);
                if (count == 0 && LockMemory(new IntPtr(page), (nuint)_pageSize) != 0)
                {
                    // RLIMIT_MEMLOCK reached or not permitted: the buffer is still pinned and zeroed.
                    locked = false;
                    continue;
                }

                _pages[page] = count + 1;
            }
        }

        return locked;
    }

    /// <inheritdoc />
    public void Unlock(IntPtr address, nuint length)
    {
        lock (_gate)
        {
            foreach (var page in Pages(address, length))
            {
                if (!_pages.TryGetValue(page, out var count))
                {
                    continue;
                }

                if (count <= 1)
                {
                    _pages.Remove(page);
                    _ = UnlockMemory(new IntPtr(page), (nuint)_pageSize);
                }
                else
                {
                    _pages[page] = count - 1;
                }
            }
        }
    }

    private IEnumerable<long> Pages(IntPtr address, nuint length)
    {
        var first = (long)address & ~(_pageSize - 1);
        var last = ((long)address + (long)length - 1) & ~(_pageSize - 1);
        for (var page = first; page <= last; page += _pageSize)
        {
            yield return page;
        }
    }

    [LibraryImport("libc", EntryPoint = "mlock", SetLastError = true)]
    private static partial int LockMemory(IntPtr address, nuint length);

    [LibraryImport("libc", EntryPoint = "munlock", SetLastError = true)]
    private static partial int UnlockMemory(IntPtr address, nuint length);
}
