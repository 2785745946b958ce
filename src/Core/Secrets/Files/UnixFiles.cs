using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace HsmWallet.Core.Secrets.Files;

/// <summary>
/// Core's native calls, with <see cref="CredentialFileAccess"/>'s fgetxattr: system calls of the C library that the
/// .NET runtime itself runs on (statx for a file's owner, geteuid, fsync of a directory), because .NET exposes no
/// managed way to read a file's owner or to make a rename durable. No third-party native library is involved.
/// </summary>
internal static partial class UnixFiles
{
    private const string LibC = "libc";
    private const int AtEmptyPath = 0x1000;
    private const uint StatxMode = 0x0002;
    private const uint StatxUid = 0x0008;
    private const int StatxSize = 256;
    private const int StatxUidOffset = 20;
    private const int StatxModeOffset = 28;
    private const int OpenReadOnlyCloseOnExec = 0x80000;

    /// <summary>The effective user id of this process.</summary>
    public static uint EffectiveUserId()
    {
        EnsureLinux();
        return GetEffectiveUserId();
    }

    /// <summary>Owner uid and permission bits of an open file, read from the handle so no rename can race.</summary>
    public static (uint Owner, UnixFileMode Mode) OwnerAndMode(SafeFileHandle handle, string path)
    {
        EnsureLinux();
        Span<byte> buffer = stackalloc byte[StatxSize];
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            var result = Statx((int)handle.DangerousGetHandle(), string.Empty, AtEmptyPath, StatxMode | StatxUid, ref MemoryMarshal.GetReference(buffer));
            if (result != 0)
            {
                throw new IOException($"{path}: cannot read owner and mode (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }

        var owner = BitConverter.ToUInt32(buffer.Slice(StatxUidOffset, 4));
        var mode = BitConverter.ToUInt16(buffer.Slice(StatxModeOffset, 2));
        return (owner, (UnixFileMode)(mode & 0xFFF));
    }

    /// <summary>Owner uid and permission bits of a path (directories), following no symbolic link.</summary>
    public static (uint Owner, UnixFileMode Mode) OwnerAndMode(string path)
    {
        EnsureLinux();
        Span<byte> buffer = stackalloc byte[StatxSize];
        const int atFdCwd = -100;
        const int atSymlinkNoFollow = 0x100;
        if (Statx(atFdCwd, path, atSymlinkNoFollow, StatxMode | StatxUid, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            throw new IOException($"{path}: cannot read owner and mode (errno {Marshal.GetLastPInvokeError()})");
        }

        var owner = BitConverter.ToUInt32(buffer.Slice(StatxUidOffset, 4));
        var mode = BitConverter.ToUInt16(buffer.Slice(StatxModeOffset, 2));
        return (owner, (UnixFileMode)(mode & 0xFFF));
    }

    /// <summary>Flushes a directory's entries to disk so a completed rename survives a power cut.</summary>
    public static void SyncDirectory(string path)
    {
        EnsureLinux();
        var descriptor = Open(path, OpenReadOnlyCloseOnExec);
        if (descriptor < 0)
        {
            throw new IOException($"{path}: cannot open the directory to flush it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (FileSync(descriptor) != 0)
            {
                throw new IOException($"{path}: fsync of the directory failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    /// <summary>
    /// Starts the write-back of a just-written range (sync_file_range with SYNC_FILE_RANGE_WRITE): not an fsync, it
    /// neither waits for the disk nor flushes its cache, but allocates the blocks now so the file system orders them
    /// before later metadata changes. Best effort: where the call is not supported, nothing happens.
    /// </summary>
    public static void StartWriteback(SafeFileHandle handle, long offset, long length)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        const uint syncFileRangeWrite = 2;
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            _ = SyncFileRange((int)handle.DangerousGetHandle(), offset, length, syncFileRangeWrite);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Reserves <paramref name="length"/> bytes of blocks past the end of the file (fallocate with FALLOC_FL_KEEP_SIZE:
    /// the size and the content stay as they are), so a later append of that many bytes needs no new space. Throws
    /// IOException ("No space left on device") when the file system has no room; where it cannot reserve (no fallocate
    /// support), nothing happens and the append takes its chance as before.
    /// </summary>
    public static void ReserveAtEnd(SafeFileHandle handle, long length)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (!OperatingSystem.IsLinux() || length <= 0)
        {
            return;
        }

        const int keepSize = 1;
        const int noSpace = 28;
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            var descriptor = (int)handle.DangerousGetHandle();
            var end = RandomAccess.GetLength(handle);
            if (Fallocate(descriptor, keepSize, end, length) != 0 && Marshal.GetLastPInvokeError() == noSpace)
            {
                throw new IOException("No space left on device");
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static void EnsureLinux()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("HsmWallet's file safety checks need Linux");
        }
    }

    [LibraryImport(LibC, EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    [LibraryImport(LibC, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directoryDescriptor, string path, int flags, uint mask, ref byte buffer);

    [LibraryImport(LibC, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport(LibC, EntryPoint = "fsync", SetLastError = true)]
    private static partial int FileSync(int descriptor);

    [LibraryImport(LibC, EntryPoint = "fallocate", SetLastError = true)]
    private static partial int Fallocate(int descriptor, int mode, long offset, long length);

    [LibraryImport(LibC, EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(int descriptor, long offset, long length, uint flags);

    [LibraryImport(LibC, EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
