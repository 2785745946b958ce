namespace HsmWallet.Core.Audit;

/// <summary>
/// An exclusive lock on audit/audit.lock (flock through FileShare.None), held while a writer reads
/// the head and appends, so two processes never fork the chain.
/// </summary>
internal sealed class AuditProcessLock : IDisposable
{
    // On Linux a held flock surfaces as IOException carrying errno EWOULDBLOCK (11).
    private const int WouldBlock = 11;
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
            catch (IOException exception) when ((exception.HResult == WouldBlock || exception.HResult == SharingViolation) && Environment.TickCount64 < deadline)
            {
                Thread.Sleep(pause);
                pause = Math.Min(pause * 2, 20);
            }
        }
    }

    public void Dispose() => stream.Dispose();
}
