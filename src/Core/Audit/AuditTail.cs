namespace HsmWallet.Core.Audit;

/// <summary>
/// The end of the log: the file appends go to, its length, and the last complete line. A final
/// fragment without a newline is an append that never returned (a crash mid-write); the writer
/// cuts it off under the lock, readers ignore it.
/// </summary>
internal sealed class AuditTail
{
    private const int MaxTailBytes = 1024 * 1024;

    private AuditTail(int fileNumber, long fileLength, byte[]? lastLine)
    {
        FileNumber = fileNumber;
        FileLength = fileLength;
        LastLine = lastLine;
    }

    /// <summary>The highest-numbered log file (0 when there is none).</summary>
    public int FileNumber { get; }

    /// <summary>That file's length in bytes after any repair.</summary>
    public long FileLength { get; }

    /// <summary>The last complete line of the log without its newline, or null for an empty log.</summary>
    public byte[]? LastLine { get; }

    public static AuditTail Read(List<(int Number, string Path)> files, bool repair)
    {
        if (files.Count == 0)
        {
            return new AuditTail(0, 0, null);
        }

        var (currentNumber, currentPath) = files[^1];
        long currentLength = -1;
        for (var i = files.Count - 1; i >= 0; i--)
        {
            var (line, length) = LastLineOf(files[i].Path, repair);
            if (i == files.Count - 1)
            {
                currentLength = length;
            }

            if (line is not null)
            {
                return new AuditTail(currentNumber, currentLength, line);
            }
        }

        return new AuditTail(currentNumber, new FileInfo(currentPath).Length, null);
    }

    private static (byte[]? Line, long Length) LastLineOf(string path, bool repair)
    {
        using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = repair ? FileAccess.ReadWrite : FileAccess.Read,
            Share = FileShare.ReadWrite,
            BufferSize = 0,
        });
        var length = stream.Length;
        if (length == 0)
        {
            return (null, 0);
        }

        var chunkLength = (int)Math.Min(length, MaxTailBytes);
        var chunk = new byte[chunkLength];
        stream.Position = length - chunkLength;
        stream.ReadExactly(chunk);
        var end = chunkLength;
        if (chunk[end - 1] != (byte)'\n')
        {
            var lastNewline = chunk.AsSpan().LastIndexOf((byte)'\n');
            if (lastNewline < 0 && chunkLength < length)
            {
                throw new AuditWriteException("audit: the last line of the log is too long to be an entry");
            }

            end = lastNewline + 1;
            if (repair)
            {
                stream.SetLength(length - chunkLength + end);
                stream.Flush(flushToDisk: true);
                length = stream.Length;
            }

            if (end == 0)
            {
                return (null, length);
            }
        }

        var body = chunk.AsSpan(0, end - 1);
        var previousNewline = body.LastIndexOf((byte)'\n');
        if (previousNewline < 0 && chunkLength < length)
        {
            throw new AuditWriteException("audit: the last line of the log is too long to be an entry");
        }

        return (body[(previousNewline + 1)..].ToArray(), length);
    }
}
