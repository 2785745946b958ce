using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace HsmWallet.Core.Secrets;

/// <summary>
/// Holds one secret (a password, PIN, vault key, seed) in pinned memory that is zeroed on dispose, so the
/// garbage collector never copies it and no code path can turn it into a string.
/// </summary>
[DebuggerDisplay("[secret, {Length} bytes]")]
public sealed class SecureBuffer : IDisposable
{
    /// <summary>The text every attempt to print a buffer gets: the secret never reaches a log.</summary>
    public const string RedactedText = "[redacted secret]";

    private byte[]? _memory;
    private int _length;
    private bool _locked;

    /// <summary>Allocates a zero-filled buffer of the given length in the pinned object heap.</summary>
    public SecureBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _memory = GC.AllocateArray<byte>(length, pinned: true);
        _length = length;
        if (length > 0 && SecureMemory.Locker is { } locker)
        {
            _locked = locker.Lock(Marshal.UnsafeAddrOfPinnedArrayElement(_memory, 0), (nuint)length);
        }
    }

    /// <summary>Zeroes the memory if an owner forgot to dispose it: the last line of defence, not the plan.</summary>
    ~SecureBuffer() => Release();

    /// <summary>Number of secret bytes held; stays readable after dispose so callers can report sizes.</summary>
    public int Length => _length;

    /// <summary>True once the buffer has been zeroed and released.</summary>
    public bool IsDisposed => _memory is null;

    /// <summary>Whether the memory was locked against swapping (see <see cref="SecureMemory"/>).</summary>
    public bool IsMemoryLocked => _locked && _memory is not null;

    /// <summary>The secret bytes, writable; throws once disposed so a zeroed secret is never mistaken for data.</summary>
    public Span<byte> Span => Memory().AsSpan(0, _length);

    /// <summary>The secret bytes, read-only; throws once disposed.</summary>
    public ReadOnlySpan<byte> ReadOnlySpan => Memory().AsSpan(0, _length);

    /// <summary>Copies bytes into a new buffer; the caller still owns (and must zero) the source.</summary>
    public static SecureBuffer CopyOf(ReadOnlySpan<byte> source)
    {
        var buffer = new SecureBuffer(source.Length);
        source.CopyTo(buffer.Span);
        return buffer;
    }

    /// <summary>Fills a new buffer with cryptographically strong random bytes: keys and salts start here.</summary>
    public static SecureBuffer Random(int length)
    {
        var buffer = new SecureBuffer(length);
        RandomNumberGenerator.Fill(buffer.Span);
        return buffer;
    }

    /// <summary>Shortens the visible length (e.g. to drop a trailing newline), zeroing the bytes cut off.</summary>
    public void Truncate(int length)
    {
        var memory = Memory();
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _length);
        CryptographicOperations.ZeroMemory(memory.AsSpan(length, _length - length));
        _length = length;
    }

    /// <summary>Always the fixed redacted text: a secret has no printable form.</summary>
    public override string ToString() => RedactedText;

    /// <summary>Zeroes the memory, unlocks it and makes every later access throw.</summary>
    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    private byte[] Memory() => _memory ?? throw new ObjectDisposedException(nameof(SecureBuffer));

    private void Release()
    {
        var memory = Interlocked.Exchange(ref _memory, null);
        if (memory is null)
        {
            return;
        }

        CryptographicOperations.ZeroMemory(memory);
        if (_locked && memory.Length > 0 && SecureMemory.Locker is { } locker)
        {
            locker.Unlock(Marshal.UnsafeAddrOfPinnedArrayElement(memory, 0), (nuint)memory.Length);
        }

        _locked = false;
    }
}
