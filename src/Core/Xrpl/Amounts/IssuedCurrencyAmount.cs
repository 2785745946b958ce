using HsmWallet.Core.Xrpl.Addresses;

namespace HsmWallet.Core.Xrpl.Amounts;

/// <summary>
/// An amount of a token issued on a trust line: value, currency and issuer together, because the same
/// currency code from two issuers is two different assets and must never be confused.
/// </summary>
/// <param name="Value">How much, in the canonical issued form.</param>
/// <param name="Currency">Which currency (never XRP).</param>
/// <param name="Issuer">Which account issued it.</param>
public readonly record struct IssuedCurrencyAmount(IssuedValue Value, CurrencyCode Currency, AccountId Issuer)
{
    /// <summary>The bytes the ledger uses: 8 of value, 20 of currency, 20 of issuer.</summary>
    public const int EncodedLength = 48;

    /// <summary>
    /// Reads the three JSON strings of an issued amount; the issuer may be a classic address or an
    /// X-address without a tag (a tag on an issuer would be silently meaningless, so it is refused).
    /// </summary>
    /// <param name="value">Decimal text.</param>
    /// <param name="currency">A currency code other than XRP.</param>
    /// <param name="issuer">The issuing account.</param>
    /// <param name="field">Names the input in any error.</param>
    public static IssuedCurrencyAmount Parse(string value, string currency, string issuer, string field)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        var parsedValue = IssuedValue.Parse(value, field);
        var parsedCurrency = CurrencyCode.ParseIssued(currency, field);
        var parsedIssuer = AccountId.Parse(issuer, field, out var tag);
        if (tag is not null)
        {
            throw new InvalidInputException(field, "issuer must not carry a tag");
        }

        return new IssuedCurrencyAmount(parsedValue, parsedCurrency, parsedIssuer);
    }

    /// <summary>Reads value and currency text for an issuer already parsed (the codec parses addresses once).</summary>
    /// <param name="value">Decimal text.</param>
    /// <param name="currency">A currency code other than XRP.</param>
    /// <param name="issuer">The issuing account.</param>
    /// <param name="field">Names the input in any error.</param>
    public static IssuedCurrencyAmount Parse(string value, string currency, AccountId issuer, string field) =>
        new(IssuedValue.Parse(value, field), CurrencyCode.ParseIssued(currency, field), issuer);

    /// <summary>Reads the ledger's 48-byte form.</summary>
    /// <param name="bytes">Exactly 48 bytes.</param>
    /// <param name="field">Names the input in any error.</param>
    public static IssuedCurrencyAmount FromBytes(ReadOnlySpan<byte> bytes, string field)
    {
        if (bytes.Length != EncodedLength)
        {
            throw new InvalidInputException(field, "an issued amount is 48 bytes");
        }

        return new IssuedCurrencyAmount(
            IssuedValue.FromBytes(bytes[..8], field),
            CurrencyCode.FromBytes(bytes.Slice(8, CurrencyCode.Length)),
            AccountId.FromBytes(bytes.Slice(28, AccountId.Length)));
    }

    /// <summary>Writes the ledger's 48-byte form.</summary>
    /// <param name="destination">At least 48 bytes.</param>
    public void WriteTo(Span<byte> destination)
    {
        Value.WriteTo(destination);
        Currency.Bytes.CopyTo(destination[8..]);
        Issuer.Bytes.CopyTo(destination[28..]);
    }
}
