namespace HsmWallet.McpServer.Transport;

/// <summary>
/// The MCP channel's output with whole messages as the unit: the SDK writes a message, then its newline, then
/// flushes; this stream holds a lock from a message's first byte to its newline, so a message the server writes
/// itself (<see cref="WriteMessageAsync"/>, the answer to a refused over-long line) never lands inside one of the SDK's.
/// </summary>
public sealed class MessageOutputStream : Stream
{
    private readonly Stream _inner;
    private readonly SemaphoreSlim _message = new(1, 1);
    private bool _inMessage;

    /// <summary>Wraps <paramref name="inner"/> (stdout).</summary>
    public MessageOutputStream(Stream inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
    }

    /// <inheritdoc />
    public override bool CanRead => false;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => true;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Writes one whole message line (<paramref name="line"/> ends with a newline) between the SDK's messages, and flushes.</summary>
    public async Task WriteMessageAsync(ReadOnlyMemory<byte> line, CancellationToken cancellationToken)
    {
        await _message.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _inner.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            await _inner.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _message.Release();
        }
    }

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_inMessage)
        {
            // Not cancellable: the wait is bounded by the other writer's one line, and a reply to a cancelled request is
            // still sent whole (see below) rather than surfacing as a send failure.
            await _message.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            _inMessage = true;
        }

        try
        {
            // A message once begun is written whole: a write cancelled half-way would leave half a JSON line on stdout
            // and break the framing of every message after it (the client may ignore a reply it no longer waits for).
            await _inner.WriteAsync(buffer, CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            EndMessage();
            throw;
        }

        if (!buffer.IsEmpty && buffer.Span[^1] == (byte)'\n')
        {
            EndMessage();
        }
    }

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count)
    {
        if (!_inMessage)
        {
            _message.Wait();
            _inMessage = true;
        }

        try
        {
            _inner.Write(buffer, offset, count);
        }
        catch
        {
            EndMessage();
            throw;
        }

        if (count > 0 && buffer[offset + count - 1] == (byte)'\n')
        {
            EndMessage();
        }
    }

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(CancellationToken.None);

    /// <inheritdoc />
    public override void Flush() => _inner.Flush();

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _message.Dispose();
        }

        base.Dispose(disposing);
    }

    private void EndMessage()
    {
        if (_inMessage)
        {
            _inMessage = false;
            _message.Release();
        }
    }
}
