using System.Buffers.Binary;
using System.Text;
using HsmWallet.Core.Secrets;

namespace HsmWallet.Core.Vault;

/// <summary>
/// The binary plaintext of the settings area (count, then name length, name, value length, value), so
/// secret values are never base64 text in a string.
/// </summary>
internal static class SettingsCodec
{
    public static SecureBuffer Encode(IReadOnlyDictionary<string, SecureBuffer> settings)
    {
        var length = 2;
        foreach (var (name, value) in settings)
        {
            length += 1 + Encoding.UTF8.GetByteCount(name) + 4 + value.Length;
        }

        var buffer = new SecureBuffer(length);
        var span = buffer.Span;
        BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)settings.Count);
        var offset = 2;
        foreach (var (name, value) in settings.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            var nameLength = Encoding.UTF8.GetBytes(name, span[(offset + 1)..]);
            span[offset] = (byte)nameLength;
            offset += 1 + nameLength;
            BinaryPrimitives.WriteInt32BigEndian(span[offset..], value.Length);
            offset += 4;
            value.ReadOnlySpan.CopyTo(span[offset..]);
            offset += value.Length;
        }

        return buffer;
    }

    public static Dictionary<string, SecureBuffer> Decode(ReadOnlySpan<byte> plaintext)
    {
        var settings = new Dictionary<string, SecureBuffer>(StringComparer.Ordinal);
        try
        {
            var count = BinaryPrimitives.ReadUInt16BigEndian(plaintext);
            var offset = 2;
            for (var i = 0; i < count; i++)
            {
                var nameLength = plaintext[offset];
                var name = Encoding.UTF8.GetString(plaintext.Slice(offset + 1, nameLength));
                offset += 1 + nameLength;
                var valueLength = BinaryPrimitives.ReadInt32BigEndian(plaintext[offset..]);
                offset += 4;
                settings[name] = SecureBuffer.CopyOf(plaintext.Slice(offset, valueLength));
                offset += valueLength;
            }

            if (offset != plaintext.Length)
            {
                throw new VaultIntegrityException("vault settings: trailing bytes");
            }

            return settings;
        }
        catch (Exception exception) when (exception is ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            foreach (var value in settings.Values)
            {
                value.Dispose();
            }

            throw new VaultIntegrityException("vault settings: malformed", exception);
        }
    }
}
