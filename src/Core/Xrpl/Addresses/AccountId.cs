using System.Buffers.Binary;
using HsmWallet.Core.Xrpl.Encoding;

namespace HsmWallet.Core.Xrpl.Addresses;

/// <summary>
/// The 20-byte identity of an XRPL account: what the ledger stores, so comparisons and signer
/// ordering work on bytes rather than on one of the several text forms an address can take.
/// </summary>
public readonly struct AccountId : IEquatable<AccountId>, IComparable<AccountId>
{
    /// <summary>The number of bytes in every account id.</summary>
    public const int Length = 20;

    private const byte ClassicAddressVersion = 0x00;

    private readonly byte[]? _bytes;

    private AccountId(byte[] bytes) => _bytes = bytes;

    /// <summary>Reads the raw bytes, for the codec and the signers that need them.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes ?? new byte[Length];

    /// <summary>Wraps exactly 20 bytes; anything else is a programming error in the caller.</summary>
    public static AccountId FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"An account id has {Length} bytes, not {bytes.Length}.", nameof(bytes));
        }

        return new AccountId(bytes.ToArray());
    }

    /// <summary>
    /// Accepts a classic address (r...) or an X-address; an X-address's tag is returned so that no
    /// caller drops it silently.
    /// </summary>
    public static AccountId Parse(string address, string field, out uint? tag)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (XAddress.LooksLikeXAddress(address))
        {
            var decoded = XAddress.Decode(address, field);
            tag = decoded.Tag;
            return decoded.Account;
        }

        tag = null;
        return ParseClassic(address, field);
    }

    /// <summary>Parses a classic r-address only; an X-address here is an error because its tag would be lost.</summary>
    public static AccountId ParseClassic(string address, string field)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Length is < 25 or > 35 || address[0] != 'r')
        {
            throw new InvalidInputException(field, "must be a classic XRPL address (r..., 25 to 35 characters)");
        }

        var payload = XrplBase58.DecodeChecked(address, field);
        if (payload.Length != Length + 1 || payload[0] != ClassicAddressVersion)
        {
            throw new InvalidInputException(field, "is not an account address (wrong version byte or length)");
        }

        return new AccountId(payload.AsSpan(1).ToArray());
    }

    /// <summary>Tells whether text is a well-formed classic address, for validation that must not throw.</summary>
    public static bool IsValidClassicAddress(string? address)
    {
        if (address is null)
        {
            return false;
        }

        try
        {
            ParseClassic(address, "address");
            return true;
        }
        catch (InvalidInputException)
        {
            return false;
        }
    }

    /// <summary>The classic r-address, the form wallets and explorers show.</summary>
    public string ToClassicAddress()
    {
        Span<byte> payload = stackalloc byte[Length + 1];
        payload[0] = ClassicAddressVersion;
        Bytes.CopyTo(payload[1..]);
        return XrplBase58.EncodeChecked(payload);
    }

    /// <inheritdoc />
    public override string ToString() => ToClassicAddress();

    /// <inheritdoc />
    public bool Equals(AccountId other) => Bytes.SequenceEqual(other.Bytes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is AccountId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => BinaryPrimitives.ReadInt32LittleEndian(Bytes);

    /// <summary>Orders by the unsigned big-endian value of the bytes, the order XRPL requires of multisigners.</summary>
    public int CompareTo(AccountId other) => Bytes.SequenceCompareTo(other.Bytes);

    /// <summary>Compares by bytes.</summary>
    public static bool operator ==(AccountId left, AccountId right) => left.Equals(right);

    /// <summary>Compares by bytes.</summary>
    public static bool operator !=(AccountId left, AccountId right) => !left.Equals(right);

    /// <summary>Orders by bytes.</summary>
    public static bool operator <(AccountId left, AccountId right) => left.CompareTo(right) < 0;

    /// <summary>Orders by bytes.</summary>
    public static bool operator >(AccountId left, AccountId right) => left.CompareTo(right) > 0;

    /// <summary>Orders by bytes.</summary>
    public static bool operator <=(AccountId left, AccountId right) => left.CompareTo(right) <= 0;

    /// <summary>Orders by bytes.</summary>
    public static bool operator >=(AccountId left, AccountId right) => left.CompareTo(right) >= 0;
}
