namespace HsmWallet.Core.Secrets;

/// <summary>
/// Keeps pages holding secrets out of swap; an adapter outside Core implements it because it needs a native call.
/// </summary>
public interface IMemoryLocker
{
    /// <summary>Locks the pages spanning the range; returns false where the OS refuses (limits), which is not fatal.</summary>
    bool Lock(IntPtr address, nuint length);

    /// <summary>Releases a range locked by <see cref="Lock"/> after its bytes were zeroed.</summary>
    void Unlock(IntPtr address, nuint length);
}
