using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;

namespace HsmWallet.Core.Xrpl.Amounts;

/// <summary>
/// An amount of a multi-purpose token (MPT): a whole number of the token's smallest unit and the
/// 192-bit issuance it belongs to. Kept apart from issued currencies because its value is an exact
/// integer up to 2^63 - 1, not a decimal mantissa.
/// </summary>
public readonly struct MptAmount : IEquatable<MptAmount>
{
    /// <summary>The bytes the ledger uses: a flag byte, 8 of value, 24 of issuance id.</summary>
    public const int EncodedLength = 33;

    /// <summary>The bytes in an issuance id.</summary>
    public const int IssuanceIdLength = 24;

    private const byte MptFlag = 0x20;
    private const byte PositiveFlag = 0x40;

    private readonly byte[]? _issuanceId;

    private MptAmount(byte[] issuanceId, ulong value, bool isNegative)
    {
        _issuanceId = issuanceId;
        Value = value;
        IsNegative = isNegative;
    }

    /// <summary>The issuance id's 24 bytes.</summary>
    public ReadOnlySpan<byte> IssuanceId => _issuanceId ?? new byte[IssuanceIdLength];

    /// <summary>The magnitude in the token's smallest unit.</summary>
    public ulong Value { get; }

    /// <summary>True only for negative amounts read from the ledger (never produced from user input).</summary>
    public bool IsNegative { get; }

    /// <summary>
    /// Reads the JSON strings of an MPT amount: a non-negative whole number up to 2^63 - 1, in decimal
    /// or as 0x-prefixed hex (as the reference implementation accepts), and a 48-hex-digit issuance id.
    /// </summary>
    /// <param name="issuanceId">48 hex digits.</param>
    /// <param name="value">The amount text.</param>
    /// <param name="field">Names the input in any error.</param>
    public static MptAmount Parse(string issuanceId, string value, string field)
    {
        ArgumentNullException.ThrowIfNull(issuanceId);
        ArgumentNullException.ThrowIfNull(value);
        var id = new byte[IssuanceIdLength];
        if (issuanceId.Length != IssuanceIdLength * 2
            || Convert.FromHexString(issuanceId, id, out _, out _) != OperationStatus.Done)
        {
            throw new InvalidInputException(field, "mpt_issuance_id must be 48 hex digits");
        }

        return new MptAmount(id, ParseValue(value, field), false);
    }

    /// <summary>Reads the ledger's 33-byte form.</summary>
    /// <param name="bytes">Exactly 33 bytes.</param>
    /// <param name="field">Names the input in any error.</param>
    public static MptAmount FromBytes(ReadOnlySpan<byte> bytes, string field)
    {
        if (bytes.Length != EncodedLength || (bytes[0] & 0x80) != 0 || (bytes[0] & MptFlag) == 0)
        {
            throw new InvalidInputException(field, "is not an MPT amount");
        }

        return new MptAmount(
            bytes.Slice(9, IssuanceIdLength).ToArray(),
            BinaryPrimitives.ReadUInt64BigEndian(bytes.Slice(1, 8)),
            (bytes[0] & PositiveFlag) == 0);
    }

    /// <summary>Writes the ledger's 33-byte form.</summary>
    /// <param name="destination">At least 33 bytes.</param>
    public void WriteTo(Span<byte> destination)
    {
        destination[0] = (byte)(MptFlag | (IsNegative ? 0 : PositiveFlag));
        BinaryPrimitives.WriteUInt64BigEndian(destination[1..], Value);
        IssuanceId.CopyTo(destination[9..]);
    }

    /// <summary>The value as the reference implementation prints it ("-" only for negative ledger values).</summary>
    public string ValueText() =>
        (IsNegative ? "-" : string.Empty) + Value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The issuance id as uppercase hex.</summary>
    public string IssuanceIdText() => Convert.ToHexString(IssuanceId);

    /// <inheritdoc />
    public bool Equals(MptAmount other) =>
        Value == other.Value && IsNegative == other.IsNegative && IssuanceId.SequenceEqual(other.IssuanceId);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is MptAmount other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Value, IsNegative);

    /// <summary>Compares value, sign and issuance.</summary>
    public static bool operator ==(MptAmount left, MptAmount right) => left.Equals(right);

    /// <summary>Compares value, sign and issuance.</summary>
    public static bool operator !=(MptAmount left, MptAmount right) => !left.Equals(right);

    private static ulong ParseValue(string value, string field)
    {
        const ulong max = long.MaxValue;
        if (value.Length == 0)
        {
            throw new InvalidInputException(field, "value must not be empty");
        }

        if (value.Contains('.', StringComparison.Ordinal))
        {
            throw new InvalidInputException(field, "value must be a whole number (no decimal point)");
        }

        var text = value;
        if (text[0] == '-')
        {
            // "-0" is zero, as in the reference implementation; anything else below zero is refused.
            if (text.Length > 1 && !text.AsSpan(1).ContainsAnyExcept('0'))
            {
                return 0;
            }

            throw new InvalidInputException(field, "value must not be negative");
        }

        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            var hex = text[2..];
            if (hex.Length == 0 || !ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var fromHex))
            {
                throw new InvalidInputException(field, "value must be decimal digits or 0x followed by at most 16 hex digits");
            }

            return fromHex <= max ? fromHex : throw new InvalidInputException(field, "value must not exceed 9223372036854775807");
        }

        foreach (var character in text)
        {
            if (!char.IsAsciiDigit(character))
            {
                throw new InvalidInputException(field, "value must be a whole number of digits");
            }
        }

        var digits = text.TrimStart('0');
        if (digits.Length > 19 || (digits.Length > 0 && ulong.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture) > max))
        {
            throw new InvalidInputException(field, "value must not exceed 9223372036854775807");
        }

        return digits.Length == 0 ? 0 : ulong.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
    }
}
