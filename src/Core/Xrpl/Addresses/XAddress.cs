using System.Buffers.Binary;
using HsmWallet.Core.Xrpl.Encoding;

namespace HsmWallet.Core.Xrpl.Addresses;

/// <summary>
/// An X-address: account, optional destination tag and network in one string, so a user cannot
/// forget the tag an exchange needs or send test funds to a main-network address.
/// </summary>
/// <param name="Account">The account the address names.</param>
/// <param name="Tag">The destination or source tag, if the address carries one.</param>
/// <param name="IsTestNetwork">True for the T-prefixed form used on test networks.</param>
public readonly record struct XAddress(AccountId Account, uint? Tag, bool IsTestNetwork)
{
    private const int PayloadLength = 31;
    private static readonly byte[] MainPrefix = [0x05, 0x44];
    private static readonly byte[] TestPrefix = [0x04, 0x93];

    /// <summary>A cheap shape test that routes parsing; the checksum is still verified by <see cref="Decode"/>.</summary>
    public static bool LooksLikeXAddress(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length == 47 && (text[0] == 'X' || text[0] == 'T');
    }

    /// <summary>Encodes this address as text (X... on main networks, T... on test networks).</summary>
    public string Encode()
    {
        Span<byte> payload = stackalloc byte[PayloadLength];
        (IsTestNetwork ? TestPrefix : MainPrefix).CopyTo(payload);
        Account.Bytes.CopyTo(payload[2..]);
        payload[22] = Tag.HasValue ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt64LittleEndian(payload[23..], Tag ?? 0);
        return XrplBase58.EncodeChecked(payload);
    }

    /// <inheritdoc />
    public override string ToString() => Encode();

    /// <summary>Decodes and checks an X-address: prefix, checksum, tag flag and the reserved bytes.</summary>
    public static XAddress Decode(string text, string field)
    {
        ArgumentNullException.ThrowIfNull(text);
        var payload = XrplBase58.DecodeChecked(text, field);
        if (payload.Length != PayloadLength)
        {
            throw new InvalidInputException(field, "is not an X-address (wrong length)");
        }

        bool isTest;
        if (payload.AsSpan(0, 2).SequenceEqual(MainPrefix))
        {
            isTest = false;
        }
        else if (payload.AsSpan(0, 2).SequenceEqual(TestPrefix))
        {
            isTest = true;
        }
        else
        {
            throw new InvalidInputException(field, "is not an X-address (unknown network prefix)");
        }

        var flag = payload[22];
        var tag = BinaryPrimitives.ReadUInt64LittleEndian(payload.AsSpan(23));
        if (flag > 1 || tag > uint.MaxValue)
        {
            throw new InvalidInputException(field, "has an unsupported X-address tag encoding (64-bit tags are reserved)");
        }

        if (flag == 0 && tag != 0)
        {
            throw new InvalidInputException(field, "has tag bytes but no tag flag");
        }

        return new XAddress(AccountId.FromBytes(payload.AsSpan(2, AccountId.Length)), flag == 1 ? (uint)tag : null, isTest);
    }
}
