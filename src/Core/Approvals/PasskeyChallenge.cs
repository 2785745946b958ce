using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace HsmWallet.Core.Approvals;

/// <summary>
/// The challenge a passkey signs for one approval: SHA-256 over the approval binding (ASCII hex) followed by a nonce
/// the approval page drew. The nonce says when it was drawn and on which loopback port the page listened, and carries a
/// MAC under a key kept in the vault, so Core accepts only nonces a holder of the vault key issued, only for a short
/// time, and only from an assertion the browser made on that very page's origin.
/// </summary>
public static class PasskeyChallenge
{
    /// <summary>Bytes of a nonce: issued-at seconds (8), port (2), random (6), MAC (16).</summary>
    public const int NonceLength = 32;

    /// <summary>How long after its page drew it a nonce's assertion still counts.</summary>
    public static readonly TimeSpan MaximumAge = TimeSpan.FromHours(1);

    private const int SignedLength = 16;
    private static readonly byte[] Purpose = Encoding.ASCII.GetBytes("hsmwallet approval nonce v1");

    /// <summary>A nonce for a page on loopback <paramref name="port"/>, drawn at <paramref name="now"/>, authenticated with <paramref name="key"/>, lowercase hex.</summary>
    public static string Issue(ReadOnlySpan<byte> key, int port, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        Span<byte> nonce = stackalloc byte[NonceLength];
        BinaryPrimitives.WriteInt64BigEndian(nonce, now.ToUnixTimeSeconds());
        BinaryPrimitives.WriteUInt16BigEndian(nonce[8..], (ushort)port);
        RandomNumberGenerator.Fill(nonce[10..SignedLength]);
        Mac(key, nonce[..SignedLength], nonce[SignedLength..]);
        return Convert.ToHexStringLower(nonce);
    }

    /// <summary>
    /// The loopback port the page that drew <paramref name="nonceHex"/> listened on, once its MAC under <paramref name="key"/> and
    /// its age at <paramref name="now"/> are checked; throws approval_declined naming the rule otherwise.
    /// </summary>
    public static int Check(ReadOnlySpan<byte> key, string nonceHex, DateTimeOffset now)
    {
        var nonce = Parse(nonceHex);
        Span<byte> expected = stackalloc byte[NonceLength - SignedLength];
        Mac(key, nonce.AsSpan(0, SignedLength), expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, nonce.AsSpan(SignedLength)))
        {
            throw Declined("assertion.nonce: was not issued by an approval page of this vault");
        }

        var issued = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(BinaryPrimitives.ReadInt64BigEndian(nonce), 0, 253402300799));
        if (issued > now + TimeSpan.FromMinutes(5) || now - issued > MaximumAge)
        {
            throw Declined("assertion.nonce: is older than " + MaximumAge.TotalMinutes + " minutes (or from the future); approve again on a new page");
        }

        return BinaryPrimitives.ReadUInt16BigEndian(nonce.AsSpan(8));
    }

    /// <summary>The challenge for <paramref name="binding"/> with <paramref name="nonceHex"/>; throws naming the field when the nonce is malformed.</summary>
    public static byte[] For(string binding, string nonceHex)
    {
        ArgumentNullException.ThrowIfNull(binding);
        return SHA256.HashData([.. Encoding.ASCII.GetBytes(binding), .. Parse(nonceHex)]);
    }

    private static byte[] Parse(string nonceHex) =>
        nonceHex is not null && nonceHex.Length == NonceLength * 2 && nonceHex.All(char.IsAsciiHexDigitLower)
            ? Convert.FromHexString(nonceHex)
            : throw Declined("assertion.nonce: must be " + (NonceLength * 2) + " lowercase hex digits");

    private static void Mac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> signed, Span<byte> destination)
    {
        Span<byte> full = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, [.. Purpose, .. signed], full);
        full[..destination.Length].CopyTo(destination);
        CryptographicOperations.ZeroMemory(full);
    }

    private static ApprovalException Declined(string why) => new("approval_declined", why + "; nothing was signed or changed");
}
