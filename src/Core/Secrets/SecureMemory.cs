namespace HsmWallet.Core.Secrets;

/// <summary>
/// The one switch through which a host adds memory locking (mlock) to every <see cref="SecureBuffer"/>:
/// Core stays free of native calls, and HsmWallet.KeyProviders supplies the libc implementation.
/// </summary>
public static class SecureMemory
{
    private static IMemoryLocker? s_locker;

    /// <summary>The installed locker, or null when buffers are pinned and zeroed but not locked.</summary>
    public static IMemoryLocker? Locker => Volatile.Read(ref s_locker);

    /// <summary>Installs the locker once at start-up; buffers allocated afterwards are locked where the OS allows.</summary>
    public static void Install(IMemoryLocker locker)
    {
        ArgumentNullException.ThrowIfNull(locker);
        Volatile.Write(ref s_locker, locker);
    }
}
