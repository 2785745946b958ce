using System.Buffers.Binary;

namespace HsmWallet.Core.Xrpl.Codec.Binary;

/// <summary>
/// A growable output buffer: encoding appends here and copies out once at the end, so a transaction
/// costs one array growth or two, not an allocation per field.
/// </summary>
internal sealed class ByteSink
{
    private byte[] _buffer;

    /// <summary>Starts with room for a typical transaction.</summary>
    public ByteSink(int capacity = 512) => _buffer = new byte[capacity];

    /// <summary>The bytes written so far.</summary>
    public int Length { get; private set; }

    /// <summary>Appends one byte.</summary>
    public void WriteByte(byte value)
    {
        Reserve(1);
        _buffer[Length++] = value;
    }

    /// <summary>Appends bytes.</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(Length));
        Length += bytes.Length;
    }

    /// <summary>Appends a big-endian 16-bit value.</summary>
    public void WriteUInt16(ushort value)
    {
        Reserve(2);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(Length), value);
        Length += 2;
    }

    /// <summary>Appends a big-endian 32-bit value.</summary>
    public void WriteUInt32(uint value)
    {
        Reserve(4);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(Length), value);
        Length += 4;
    }

    /// <summary>Appends a big-endian 64-bit value.</summary>
    public void WriteUInt64(ulong value)
    {
        Reserve(8);
        BinaryPrimitives.WriteUInt64BigEndian(_buffer.AsSpan(Length), value);
        Length += 8;
    }

    /// <summary>Hands out room for <paramref name="count"/> bytes; call <see cref="Advance"/> after filling it.</summary>
    public Span<byte> GetSpan(int count)
    {
        Reserve(count);
        return _buffer.AsSpan(Length, count);
    }

    /// <summary>Overwrites one byte already written, for a type byte known only after what follows it.</summary>
    public void Patch(int index, byte value)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Length);
        _buffer[index] = value;
    }

    /// <summary>Commits bytes written into a span from <see cref="GetSpan"/>.</summary>
    public void Advance(int count) => Length += count;

    /// <summary>
    /// Puts the length prefix in front of everything written since <paramref name="start"/>, for
    /// values whose length is only known once they are written.
    /// </summary>
    public void InsertLengthPrefix(int start, string field)
    {
        Span<byte> prefix = stackalloc byte[3];
        var contentLength = Length - start;
        var prefixLength = VariableLength.Encode(contentLength, prefix, field);
        Reserve(prefixLength);
        Buffer.BlockCopy(_buffer, start, _buffer, start + prefixLength, contentLength);
        prefix[..prefixLength].CopyTo(_buffer.AsSpan(start));
        Length += prefixLength;
    }

    /// <summary>Copies out the result.</summary>
    public byte[] ToArray() => _buffer.AsSpan(0, Length).ToArray();

    private void Reserve(int count)
    {
        if (Length + count <= _buffer.Length)
        {
            return;
        }

        var size = Math.Max(_buffer.Length * 2, Length + count);
        Array.Resize(ref _buffer, size);
    }
}
