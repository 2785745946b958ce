namespace HsmWallet.Core.Xrpl.Amounts;

/// <summary>
/// A 160-bit XRPL currency code: XRP (all zero), a three-character code such as "USD" in the
/// standard layout, or any other 160-bit code written as 40 hex digits. One type so that every field
/// holding a currency follows the same rules.
/// </summary>
public readonly struct CurrencyCode : IEquatable<CurrencyCode>
{
    /// <summary>The number of bytes in every currency code.</summary>
    public const int Length = 20;

    private const int IsoOffset = 12;
    private const string IsoSymbols = "?!@#$%^&*(){}[]|";
    private static readonly byte[] ReservedXrpStandardCode = BuildStandard("XRP");

    private readonly byte[]? _bytes;

    private CurrencyCode(byte[] bytes) => _bytes = bytes;

    /// <summary>The native currency, all zero bytes.</summary>
    public static CurrencyCode Xrp => default;

    /// <summary>The 20 raw bytes, for the codec.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes ?? new byte[Length];

    /// <summary>True for the native currency.</summary>
    public bool IsXrp => _bytes is null || !Bytes.ContainsAnyExcept((byte)0);

    /// <summary>
    /// Reads "XRP", a three-character code or 40 hex digits; used where XRP is a valid choice
    /// (an Issue or a price oracle's asset).
    /// </summary>
    /// <param name="text">The code.</param>
    /// <param name="field">Names the input in any error.</param>
    public static CurrencyCode Parse(string text, string field)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 3)
        {
            if (text == "XRP")
            {
                return Xrp;
            }

            foreach (var character in text)
            {
                if (!IsIsoCharacter(character))
                {
                    throw new InvalidInputException(
                        field, "currency must be three letters, digits or ?!@#$%^&*(){}[]| (like USD), or 40 hex digits");
                }
            }

            return new CurrencyCode(BuildStandard(text));
        }

        if (text.Length != Length * 2)
        {
            throw new InvalidInputException(field, "currency must be a three-character code (like USD) or 40 hex digits");
        }

        var bytes = new byte[Length];
        if (Convert.FromHexString(text, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != Length)
        {
            throw new InvalidInputException(field, "currency must be a three-character code (like USD) or 40 hex digits");
        }

        if (bytes.AsSpan().SequenceEqual(ReservedXrpStandardCode))
        {
            throw new InvalidInputException(field, "currency must not be the code XRP in the standard layout (the ledger refuses it)");
        }

        return bytes.AsSpan().ContainsAnyExcept((byte)0) ? new CurrencyCode(bytes) : Xrp;
    }

    /// <summary>
    /// Reads the currency of an issued amount or trust line, where XRP is never valid: XRP moves
    /// only as drops, so an issued "XRP" would be a forgery of the native currency.
    /// </summary>
    /// <param name="text">The code.</param>
    /// <param name="field">Names the input in any error.</param>
    public static CurrencyCode ParseIssued(string text, string field)
    {
        var code = Parse(text, field);
        if (code.IsXrp)
        {
            throw new InvalidInputException(field, "currency must not be XRP for an issued currency (XRP is sent as drops)");
        }

        return code;
    }

    /// <summary>Wraps 20 bytes read from the ledger.</summary>
    public static CurrencyCode FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"A currency code has {Length} bytes, not {bytes.Length}.", nameof(bytes));
        }

        return bytes.ContainsAnyExcept((byte)0) ? new CurrencyCode(bytes.ToArray()) : Xrp;
    }

    /// <summary>
    /// The JSON form: "XRP", the three-character code when the bytes are in the standard layout, or
    /// 40 uppercase hex digits otherwise (exactly as the reference implementation prints it).
    /// </summary>
    public override string ToString()
    {
        if (IsXrp)
        {
            return "XRP";
        }

        var bytes = Bytes;
        var standard = !bytes[..IsoOffset].ContainsAnyExcept((byte)0) && !bytes[(IsoOffset + 3)..].ContainsAnyExcept((byte)0);
        if (standard)
        {
            Span<char> iso = stackalloc char[3];
            var printable = true;
            for (var i = 0; i < 3; i++)
            {
                iso[i] = (char)bytes[IsoOffset + i];
                printable &= IsIsoCharacter(iso[i]);
            }

            if (printable && !iso.SequenceEqual("XRP"))
            {
                return new string(iso);
            }
        }

        return Convert.ToHexString(bytes);
    }

    /// <inheritdoc />
    public bool Equals(CurrencyCode other) => Bytes.SequenceEqual(other.Bytes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is CurrencyCode other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.AddBytes(Bytes);
        return hash.ToHashCode();
    }

    /// <summary>Compares by bytes.</summary>
    public static bool operator ==(CurrencyCode left, CurrencyCode right) => left.Equals(right);

    /// <summary>Compares by bytes.</summary>
    public static bool operator !=(CurrencyCode left, CurrencyCode right) => !left.Equals(right);

    private static bool IsIsoCharacter(char character) =>
        char.IsAsciiLetterOrDigit(character) || IsoSymbols.Contains(character, StringComparison.Ordinal);

    private static byte[] BuildStandard(string iso)
    {
        var bytes = new byte[Length];
        for (var i = 0; i < 3; i++)
        {
            bytes[IsoOffset + i] = (byte)iso[i];
        }

        return bytes;
    }
}
