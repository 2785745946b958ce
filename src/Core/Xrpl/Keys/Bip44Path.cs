using System.Globalization;

namespace HsmWallet.Core.Xrpl.Keys;

/// <summary>
/// A BIP-44 path for XRP, m/44'/144'/account'/0/index: the only shape HsmWallet derives, so a typo
/// in a path is refused instead of silently deriving a different, empty wallet.
/// </summary>
public readonly struct Bip44Path : IEquatable<Bip44Path>
{
    /// <summary>The field name errors carry.</summary>
    public const string Field = "path";

    /// <summary>BIP-44's purpose level.</summary>
    public const uint Purpose = 44;

    /// <summary>XRP's registered SLIP-44 coin type.</summary>
    public const uint CoinType = 144;

    /// <summary>The BIP-32 flag that marks a hardened index.</summary>
    internal const uint HardenedFlag = 0x8000_0000;

    private const uint Change = 0;

    /// <summary>Builds a path; both numbers must be below 2^31, as BIP-32 requires.</summary>
    public Bip44Path(uint account, uint index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(account, HardenedFlag);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, HardenedFlag);
        Account = account;
        Index = index;
    }

    /// <summary>m/44'/144'/0'/0/0: what xrpl.js and most XRPL wallets derive from a mnemonic.</summary>
    public static Bip44Path Default => default;

    /// <summary>The hardened account level (A in m/44'/144'/A'/0/I).</summary>
    public uint Account { get; }

    /// <summary>The address index (I in m/44'/144'/A'/0/I).</summary>
    public uint Index { get; }

    /// <summary>
    /// Parses exactly "m/44'/144'/A'/0/I" with decimal A and I below 2^31 and no leading zeros;
    /// any other shape is refused.
    /// </summary>
    public static Bip44Path Parse(ReadOnlySpan<char> text)
    {
        ReadOnlySpan<char> prefix = "m/44'/144'/";
        if (!text.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new InvalidInputException(Field, "must have the form m/44'/144'/ACCOUNT'/0/INDEX");
        }

        var rest = text[prefix.Length..];
        var accountEnd = rest.IndexOf("'/0/", StringComparison.Ordinal);
        if (accountEnd < 0)
        {
            throw new InvalidInputException(Field, "must have the form m/44'/144'/ACCOUNT'/0/INDEX (hardened account, change 0)");
        }

        var account = ParseLevel(rest[..accountEnd], "account");
        var index = ParseLevel(rest[(accountEnd + "'/0/".Length)..], "index");
        return new Bip44Path(account, index);
    }

    /// <summary>Parses like <see cref="Parse"/> but reports failure instead of throwing.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Bip44Path path)
    {
        try
        {
            path = Parse(text);
            return true;
        }
        catch (InvalidInputException)
        {
            path = default;
            return false;
        }
    }

    /// <summary>The five BIP-32 child numbers of the path, hardened flags included.</summary>
    internal uint[] ChildNumbers() =>
        [Purpose | HardenedFlag, CoinType | HardenedFlag, Account | HardenedFlag, Change, Index];

    /// <summary>The canonical text, as <see cref="Parse"/> accepts it.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"m/44'/144'/{Account}'/0/{Index}");

    /// <inheritdoc />
    public bool Equals(Bip44Path other) => Account == other.Account && Index == other.Index;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Bip44Path other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Account, Index);

    /// <summary>Compares account and index.</summary>
    public static bool operator ==(Bip44Path left, Bip44Path right) => left.Equals(right);

    /// <summary>Compares account and index.</summary>
    public static bool operator !=(Bip44Path left, Bip44Path right) => !left.Equals(right);

    private static uint ParseLevel(ReadOnlySpan<char> digits, string level)
    {
        if (digits.IsEmpty || digits.Length > 10)
        {
            throw new InvalidInputException(Field, $"{level} must be a decimal number below 2147483648");
        }

        if (digits.Length > 1 && digits[0] == '0')
        {
            throw new InvalidInputException(Field, $"{level} must not have leading zeros");
        }

        ulong value = 0;
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                throw new InvalidInputException(Field, $"{level} must be a decimal number below 2147483648");
            }

            value = value * 10 + (ulong)(c - '0');
        }

        if (value >= HardenedFlag)
        {
            throw new InvalidInputException(Field, $"{level} must be below 2147483648");
        }

        return (uint)value;
    }
}
