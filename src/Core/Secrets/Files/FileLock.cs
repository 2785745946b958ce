namespace HsmWallet.Core.Secrets.Files;

/// <summary>
/// An exclusive advisory lock (flock) on a lock file beside the protected file, so the CLI and the MCP
/// server never interleave a read-modify-write of the same vault or state file.
/// </summary>
public sealed class FileLock : IDisposable
{
    private readonly FileStream _stream;

    private FileLock(FileStream stream) => _stream = stream;

    /// <summary>Waits up to <paramref name="timeout"/> for the lock on `PATH.lock`, then gives up with <see cref="FileLockTimeoutException"/>.</summary>
    public static FileLock Acquire(string protectedPath, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrEmpty(protectedPath);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("HsmWallet's file locks need Linux");
        }

        var lockPath = protectedPath + ".lock";
        var deadline = DateTime.UtcNow + timeout;
        var delay = 5;
        var options = new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        while (true)
        {
            try
            {
                // FileShare.None makes .NET take flock(LOCK_EX | LOCK_NB) on Unix; it conflicts across
                // processes and across separate opens within one process.
                return new FileLock(new FileStream(lockPath, options));
            }
            catch (IOException) when (File.Exists(lockPath) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(delay);
                delay = Math.Min(delay * 2, 50);
            }
            catch (IOException exception) when (File.Exists(lockPath))
            {
                throw new FileLockTimeoutException(protectedPath, exception);
            }
        }
    }

    /// <summary>Releases the lock; the lock file stays (removing it would let two writers lock different files).</summary>
    public void Dispose() => _stream.Dispose();
}
