using HsmWallet.Core.Secrets;

namespace HsmWallet.Core.Tests.Secrets;

public class SecureBufferTests
{
    [Fact]
    public void The_content_is_zero_after_dispose()
    {
        var buffer = SecureBuffer.CopyOf([1, 2, 3, 4, 5, 6, 7, 8]);
        var view = buffer.Span;

        buffer.Dispose();

        Assert.All(view.ToArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public void Use_after_dispose_throws()
    {
        var buffer = SecureBuffer.Random(32);
        buffer.Dispose();

        Assert.True(buffer.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => buffer.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => buffer.ReadOnlySpan.Length);
        Assert.Throws<ObjectDisposedException>(() => buffer.Truncate(1));
    }

    [Fact]
    public void Printing_a_buffer_shows_a_fixed_redacted_text()
    {
        using var buffer = SecureBuffer.CopyOf("hunter2 secret"u8);

        Assert.Equal(SecureBuffer.RedactedText, buffer.ToString());
        Assert.Equal(SecureBuffer.RedactedText, $"{buffer}");
    }

    [Fact]
    public void Truncating_zeroes_the_bytes_cut_off()
    {
        using var buffer = SecureBuffer.CopyOf("secret\n"u8);
        var whole = buffer.Span;

        buffer.Truncate(6);

        Assert.Equal("secret"u8.ToArray(), buffer.ReadOnlySpan.ToArray());
        Assert.Equal(0, whole[6]);
    }

    [Fact]
    public void Disposing_twice_is_harmless()
    {
        var buffer = SecureBuffer.Random(16);
        buffer.Dispose();
        buffer.Dispose();
        Assert.True(buffer.IsDisposed);
    }
}
