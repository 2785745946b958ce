using System.Text.Json;

namespace HsmWallet.McpServer.Transport;

/// <summary>
/// The MCP channel's input as the SDK's stream transport reads it, one JSON-RPC message per line, with a bound
/// on a line's length enforced while reading: a line is held back until its newline arrives, so one longer than
/// the limit is never handed on. Its bytes are read in small chunks and dropped up to the next newline, and
/// <see cref="MessageTooLarge"/> is told (with the request id when it was in the line's first bytes), so a 200 MB
/// line costs at most the limit in memory and the server goes on with the next message. Reads are cancellable,
/// as the SDK's own stdin stream is.
/// </summary>
public sealed class BoundedLineStream : Stream
{
    /// <summary>The default longest message: 4 MiB, four times the largest tool call the pipeline accepts.</summary>
    public const int DefaultMaxMessageBytes = 4 * 1024 * 1024;

    private const int ChunkLength = 64 * 1024;
    private const int IdSearchLength = 64 * 1024;

    private readonly Stream _inner;
    private readonly int _limit;
    private readonly byte[] _chunk = new byte[ChunkLength];
    private byte[] _line = new byte[ChunkLength];
    private byte[] _ready = new byte[ChunkLength];
    private int _chunkOffset;
    private int _chunkCount;
    private int _lineLength;
    private int _readyOffset;
    private int _readyCount;
    private bool _discarding;
    private long _discarded;
    private byte[]? _discardedId;
    private bool _endOfInput;
    private UndecodableLine? _undecodable;

    /// <summary>Wraps <paramref name="inner"/> (stdin) with a limit of <paramref name="maxMessageBytes"/> bytes per line, newline excluded.</summary>
    public BoundedLineStream(Stream inner, int maxMessageBytes = DefaultMaxMessageBytes)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageBytes, 1024);
        _inner = inner;
        _limit = maxMessageBytes;
    }

    /// <summary>
    /// Told once per refused line, after its last byte was dropped: the JSON of its id (a number or a string,
    /// null when it was not among the first bytes) and how many bytes were dropped.
    /// </summary>
    public Func<ReadOnlyMemory<byte>?, long, CancellationToken, Task>? MessageTooLarge { get; set; }

    /// <summary>
    /// Told once per line held back because a key or string in it cannot be read as text (an escape of half a
    /// surrogate pair, such as "\ud800"): the SDK would fail on it with an error naming nothing, so the host answers it.
    /// </summary>
    public Func<UndecodableLine, CancellationToken, Task>? TextNotDecodable { get; set; }

    /// <summary>The longest line handed on, in bytes without the newline.</summary>
    public int MaxMessageBytes => _limit;

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_readyCount > 0)
            {
                var count = Math.Min(buffer.Length, _readyCount);
                _ready.AsMemory(_readyOffset, count).CopyTo(buffer);
                _readyOffset += count;
                _readyCount -= count;
                return count;
            }

            if (_chunkCount == 0)
            {
                if (_endOfInput)
                {
                    // A last line without a newline is handed on when it is within the limit (the SDK reads it as the final one).
                    if (_lineLength > 0 && !_discarding)
                    {
                        Hand();
                        await TellUndecodableAsync(cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    return 0;
                }

                var read = await _inner.ReadAsync(_chunk, cancellationToken).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    _endOfInput = true;
                    continue;
                }

                _chunkOffset = 0;
                _chunkCount = read;
            }

            var refused = Consume();
            if (refused is { } done && MessageTooLarge is { } handler)
            {
                await handler(done.Id, done.Bytes, cancellationToken).ConfigureAwait(false);
            }

            await TellUndecodableAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read asynchronously");

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// The id of a JSON-RPC message from its first bytes: the root object's "id" when it is a number or a string
    /// and complete within <see cref="IdSearchLength"/> bytes; null otherwise. Clients write the id before params.
    /// </summary>
    internal static byte[]? FindId(ReadOnlySpan<byte> start)
    {
        var reader = new Utf8JsonReader(start[..Math.Min(start.Length, IdSearchLength)], isFinalBlock: false, state: default);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    return null;
                }

                var isId = reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("id"u8);
                if (!reader.Read())
                {
                    return null;
                }

                if (isId)
                {
                    return reader.TokenType switch
                    {
                        JsonTokenType.Number => reader.ValueSpan.ToArray(),
                        JsonTokenType.String => JsonSerializer.SerializeToUtf8Bytes(reader.GetString(), Output.ServerJsonContext.Default.String),
                        _ => null,
                    };
                }

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
                {
                    return null;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: there is no id to answer to.
        }
        catch (InvalidOperationException)
        {
            // Same as above (a token of an unexpected type).
        }

        return null;
    }

    // Moves bytes from the chunk to the line being held back; returns a refused line's id and size once its end is read.
    private (ReadOnlyMemory<byte>? Id, long Bytes)? Consume()
    {
        var span = _chunk.AsSpan(_chunkOffset, _chunkCount);
        var newline = span.IndexOf((byte)'\n');
        var take = newline >= 0 ? newline + 1 : span.Length;
        var content = newline >= 0 ? newline : take;
        _chunkOffset += take;
        _chunkCount -= take;

        if (!_discarding && _lineLength + content > _limit)
        {
            _discarding = true;
            _discardedId = FindId(_lineLength > 0 ? _line.AsSpan(0, _lineLength) : span[..content]);
            _discarded = _lineLength;
            _lineLength = 0;
            if (_line.Length > ChunkLength)
            {
                _line = new byte[ChunkLength];
            }
        }

        if (_discarding)
        {
            _discarded += content;
            if (newline < 0)
            {
                return null;
            }

            _discarding = false;
            var refused = (_discardedId is null ? (ReadOnlyMemory<byte>?)null : _discardedId, _discarded);
            _discardedId = null;
            _discarded = 0;
            return refused;
        }

        Append(span[..take]);
        if (newline >= 0)
        {
            Hand();
        }

        return null;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_lineLength + bytes.Length > _line.Length)
        {
            var grown = new byte[Math.Min(Math.Max(_line.Length * 2, _lineLength + bytes.Length), _limit + ChunkLength + 1)];
            _line.AsSpan(0, _lineLength).CopyTo(grown);
            _line = grown;
        }

        bytes.CopyTo(_line.AsSpan(_lineLength));
        _lineLength += bytes.Length;
    }

    private async Task TellUndecodableAsync(CancellationToken cancellationToken)
    {
        if (_undecodable is { } line)
        {
            _undecodable = null;
            if (TextNotDecodable is { } handler)
            {
                await handler(line, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The first key or string of a JSON-RPC message that cannot be read as text because of an escape of half a
    /// surrogate pair, with the message's id, method and tool name; null when there is none (or the line is not JSON,
    /// which the SDK answers itself). Raw bytes that are not UTF-8 are not looked for: the SDK reads the line as text,
    /// so they arrive as U+FFFD.
    /// </summary>
    internal static UndecodableLine? FindUndecodable(ReadOnlySpan<byte> line)
    {
        if (line.IndexOf("\\ud"u8) < 0 && line.IndexOf("\\uD"u8) < 0)
        {
            return null;
        }

        var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 256 });
        var containers = new List<(bool IsArray, int Count, string Path)>();
        string? name = null;
        string? bad = null;
        byte[]? id = null;
        string? method = null;
        string? tool = null;
        try
        {
            while (reader.Read())
            {
                var token = reader.TokenType;
                if (token == JsonTokenType.PropertyName)
                {
                    if (!TryText(ref reader, out name))
                    {
                        bad ??= containers[^1].Path;
                    }

                    continue;
                }

                if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    containers.RemoveAt(containers.Count - 1);
                    continue;
                }

                var path = string.Empty;
                if (containers.Count > 0)
                {
                    var top = containers[^1];
                    if (top.IsArray)
                    {
                        path = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{top.Path}[{top.Count}]");
                        containers[^1] = (true, top.Count + 1, top.Path);
                    }
                    else
                    {
                        var key = name is { } known && known.Length is > 0 and <= 64 && known.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? known : "<key>";
                        path = top.Path.Length == 0 ? key : top.Path + "." + key;
                    }
                }

                if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    containers.Add((token == JsonTokenType.StartArray, 0, path));
                }
                else if (token == JsonTokenType.String)
                {
                    if (!TryText(ref reader, out var text))
                    {
                        bad ??= path;
                    }
                    else if (path == "method")
                    {
                        method = text;
                    }
                    else if (path == "params.name")
                    {
                        tool = text;
                    }

                    if (path == "id" && text is not null)
                    {
                        id = JsonSerializer.SerializeToUtf8Bytes(text, Output.ServerJsonContext.Default.String);
                    }
                }
                else if (token == JsonTokenType.Number && path == "id")
                {
                    id = reader.ValueSpan.ToArray();
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return bad is null ? null : new UndecodableLine(id, method, tool, bad.Length == 0 ? "message" : bad);
    }

    // False only for an escape that cannot be read as text; bytes that are not UTF-8 give null text, not false.
    private static bool TryText(ref Utf8JsonReader reader, out string? text)
    {
        try
        {
            text = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            text = null;
            return !reader.ValueIsEscaped;
        }
    }

    // The held-back line is complete: it becomes what the next reads return, and its buffer is reused for the next line.
    // A line the SDK could not read as text is held back instead and told to TextNotDecodable.
    private void Hand()
    {
        if (FindUndecodable(_line.AsSpan(0, _lineLength)) is { } undecodable)
        {
            _undecodable = undecodable;
            _lineLength = 0;
            return;
        }

        (_ready, _line) = (_line, _ready);
        _readyOffset = 0;
        _readyCount = _lineLength;
        _lineLength = 0;
    }
}
