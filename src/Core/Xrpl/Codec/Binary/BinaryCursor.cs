namespace HsmWallet.Core.Xrpl.Codec.Binary;

/// <summary>
/// Reads binary input front to back without copying, refusing any read past the end so that a
/// truncated or hostile blob fails cleanly instead of being misread.
/// </summary>
internal ref struct BinaryCursor
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    /// <summary>Starts at the beginning of the data.</summary>
    public BinaryCursor(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    /// <summary>True when every byte has been read.</summary>
    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>The bytes not yet read.</summary>
    public readonly int Remaining => _data.Length - _position;

    /// <summary>The next byte, without consuming it.</summary>
    public readonly byte Peek(string field) =>
        AtEnd ? throw Truncated(field) : _data[_position];

    /// <summary>Consumes one byte.</summary>
    public byte ReadByte(string field)
    {
        if (AtEnd)
        {
            throw Truncated(field);
        }

        return _data[_position++];
    }

    /// <summary>Consumes a run of bytes.</summary>
    public ReadOnlySpan<byte> Read(int count, string field)
    {
        if (count < 0 || count > Remaining)
        {
            throw Truncated(field);
        }

        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }

    private static InvalidInputException Truncated(string field) =>
        new(field, "the binary data ends in the middle of this field");
}
