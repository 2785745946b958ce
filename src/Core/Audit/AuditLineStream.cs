using System.Buffers;

namespace HsmWallet.Core.Audit;

/// <summary>
/// Streams the lines of the log files in chain order through one pooled buffer, so verifying a
/// million entries reads the files once and allocates nothing per line. A final fragment without
/// a newline (an append cut off by a crash) is skipped.
/// </summary>
internal sealed class AuditLineStream : IDisposable
{
    private const int BufferLength = 1024 * 1024;

    private readonly List<(int Number, string Path)> files;
    private readonly int lastNonEmptyFile;
    private byte[]? buffer = ArrayPool<byte>.Shared.Rent(BufferLength);
    private FileStream? stream;
    private int fileIndex = -1;
    private int start;
    private int end;
    private bool endOfFile = true;

    public AuditLineStream(List<(int Number, string Path)> files)
    {
        this.files = files;
        lastNonEmptyFile = files.FindLastIndex(file => new FileInfo(file.Path).Length > 0);
    }

    /// <summary>Returns the next line without its newline; throws InvalidDataException for a line longer than the buffer.</summary>
    public bool TryNext(out ReadOnlySpan<byte> line)
    {
        var data = buffer ?? throw new ObjectDisposedException(nameof(AuditLineStream));
        while (true)
        {
            var newline = data.AsSpan(start, end - start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                line = data.AsSpan(start, newline);
                start += newline + 1;
                return true;
            }

            if (!endOfFile)
            {
                if (start > 0)
                {
                    data.AsSpan(start, end - start).CopyTo(data);
                    end -= start;
                    start = 0;
                }

                if (end == data.Length)
                {
                    throw new InvalidDataException("audit: a line is longer than any entry can be");
                }

                var read = stream!.Read(data, end, data.Length - end);
                if (read == 0)
                {
                    endOfFile = true;
                }

                end += read;
                continue;
            }

            if (end > start)
            {
                // A fragment without newline: a torn last append is skipped, anywhere else it is a line.
                var fragment = data.AsSpan(start, end - start);
                start = end;
                if (fileIndex != lastNonEmptyFile)
                {
                    line = fragment;
                    return true;
                }
            }

            if (!OpenNextFile())
            {
                line = default;
                return false;
            }
        }
    }

    public void Dispose()
    {
        stream?.Dispose();
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = null;
        }
    }

    private bool OpenNextFile()
    {
        stream?.Dispose();
        stream = null;
        fileIndex++;
        start = end = 0;
        if (fileIndex >= files.Count)
        {
            return false;
        }

        stream = new FileStream(files[fileIndex].Path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.ReadWrite,
            BufferSize = 0,
            Options = FileOptions.SequentialScan,
        });
        endOfFile = false;
        return true;
    }
}
