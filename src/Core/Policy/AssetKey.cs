using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Amounts;

namespace HsmWallet.Core.Policy;

/// <summary>
/// Names an asset the way limits are keyed: "XRP", "CUR/rIssuer" for an issued currency (the same
/// code from two issuers is two assets), or "MPT/ISSUANCEID". One spelling per asset so counters add up.
/// </summary>
public static class AssetKey
{
    /// <summary>The key for XRP.</summary>
    public const string Xrp = "XRP";

    /// <summary>The key for an issued currency from one issuer.</summary>
    public static string Issued(CurrencyCode currency, AccountId issuer) => currency.ToString() + "/" + issuer.ToClassicAddress();

    /// <summary>The key for a multi-purpose token issuance.</summary>
    public static string Mpt(string issuanceIdHex) => "MPT/" + issuanceIdHex.ToUpperInvariant();

    /// <summary>The key for one NFT: policies cannot price it, so moving it counts as an unlisted asset.</summary>
    public static string Nft(string tokenIdHex)
    {
        ArgumentNullException.ThrowIfNull(tokenIdHex);
        return "NFT/" + tokenIdHex.ToUpperInvariant();
    }

    /// <summary>Reads a key from a policy file into its one spelling; throws naming the field on bad input.</summary>
    public static string Normalize(string text, string field)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text == Xrp)
        {
            return Xrp;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == text.Length - 1)
        {
            throw new InvalidInputException(field, "asset must be XRP, CURRENCY/rIssuer or MPT/ISSUANCEID");
        }

        var left = text[..slash];
        var right = text[(slash + 1)..];
        if (left == "MPT")
        {
            _ = MptAmount.Parse(right, "0", field);
            return Mpt(right);
        }

        return Issued(CurrencyCode.ParseIssued(left, field), AccountId.ParseClassic(right, field));
    }
}
