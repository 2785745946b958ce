namespace HsmWallet.Core.Audit;

/// <summary>
/// An exclusive lock on audit/audit.lock (flock through FileShare.None), held while a writer reads
/// the head and appends, so two processes never fork the chain.
/// </summary>
internal sealed class AuditProcessLock : IDisposable
{
    private const int SharingViolation = unchecked((int)0x80070020);

    private readonly FileStream stream;

    private AuditProcessLock(FileStream stream)
    {
        this.stream = stream;
    }

    public static AuditProcessLock Acquire(string folder, TimeSpan timeout)
    {
        var path = Path.Combine(folder, AuditFiles.LockFileName);
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        var pause = 1;
        while (true)
        {
            try
            {
                return new AuditProcessLock(new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.OpenOrCreate,
                    Access = FileAccess.ReadWrite,
                    Share = FileShare.None,
                    UnixCreateMode = AuditFiles.OwnerOnlyFile,
                }));
            }
            catch (IOException exception) when (exception.HResult == SharingViolation && Environment.TickCount64 < deadline)
            {
                Thread.Sleep(pause);
                pause = Math.Min(pause * 2, 20);
            }
        }
    }

    public void Dispose() => stream.Dispose();
}
