using HsmWallet.Core.Secrets;
using HsmWallet.KeyProviders.Memory;

namespace HsmWallet.KeyProviders.Tests.Memory;

public class MemoryLockerTests
{
    [Fact]
    public void Buffers_allocated_after_installing_the_locker_are_locked_in_memory_and_unlocked_on_dispose()
    {
        LibcMemoryLocker.Install();

        var buffer = SecureBuffer.Random(64);
        var lockedKib = LockedKib();
        Assert.True(buffer.IsMemoryLocked);
        Assert.True(lockedKib > 0);

        buffer.Dispose();
        Assert.False(buffer.IsMemoryLocked);
    }

    private static long LockedKib()
    {
        var line = File.ReadAllLines("/proc/self/status").Single(l => l.StartsWith("VmLck:", StringComparison.Ordinal));
        return long.Parse(line["VmLck:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
