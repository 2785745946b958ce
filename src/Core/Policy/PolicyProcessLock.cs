namespace HsmWallet.Core.Policy;

/// <summary>
/// An exclusive lock on a state file's sibling ".lock" file (flock through FileShare.None), held while
/// a process re-reads, changes and rewrites the state, so the CLI and the MCP server running at the
/// same time neither lose each other's counters nor both sign for one Sequence.
/// </summary>
internal sealed class PolicyProcessLock : IDisposable
{
    // On Linux a held flock surfaces as IOException carrying errno EWOULDBLOCK (11).
    private const int WouldBlock = 11;
    private const int SharingViolation = unchecked((int)0x80070020);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly FileStream _stream;

    private PolicyProcessLock(FileStream stream) => _stream = stream;

    /// <summary>Takes the lock for <paramref name="statePath"/>, waiting up to ten seconds.</summary>
    public static PolicyProcessLock Acquire(string statePath)
    {
        var full = Path.GetFullPath(statePath);
        var directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var deadline = Environment.TickCount64 + (long)Timeout.TotalMilliseconds;
        var pause = 1;
        while (true)
        {
            try
            {
                return new PolicyProcessLock(new FileStream(full + ".lock", new FileStreamOptions
                {
                    Mode = FileMode.OpenOrCreate,
                    Access = FileAccess.ReadWrite,
                    Share = FileShare.None,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                }));
            }
            catch (IOException exception) when ((exception.HResult == WouldBlock || exception.HResult == SharingViolation) && Environment.TickCount64 < deadline)
            {
                Thread.Sleep(pause);
                pause = Math.Min(pause * 2, 20);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();
}
