using System.Globalization;
using FsCheck.Xunit;
using HsmWallet.Core.Xrpl.Amounts;

namespace HsmWallet.Core.Tests.Xrpl.Amounts;

public class AmountPropertyTests
{
    [Property(MaxTest = 500)]
    public bool Any_drop_count_within_the_supply_survives_printing_as_XRP_and_reading_back(ulong seed)
    {
        var drops = (seed % XrpAmount.MaxDrops) + 1;
        var amount = XrpAmount.FromDrops(drops, "Amount");

        return XrpAmount.ParseXrp(amount.ToXrpString(), "Amount").Drops == drops
            && XrpAmount.ParseDrops(amount.ToDropsString(), "Amount").Drops == drops;
    }

    [Property(MaxTest = 500)]
    public bool Any_canonical_issued_value_survives_printing_and_reading_back(ulong seed, int exponentSeed, bool negative)
    {
        var mantissa = IssuedValue.MinMantissa + (seed % (IssuedValue.MaxMantissa - IssuedValue.MinMantissa + 1));
        var exponent = IssuedValue.MinExponent + Math.Abs(exponentSeed % (IssuedValue.MaxExponent - IssuedValue.MinExponent + 1));
        var text = (negative ? "-" : string.Empty) + mantissa.ToString(CultureInfo.InvariantCulture) + "e" + exponent.ToString(CultureInfo.InvariantCulture);

        var value = IssuedValue.Parse(text, "value");
        var reread = IssuedValue.Parse(value.ToString(), "value");
        Span<byte> bytes = stackalloc byte[8];
        value.WriteTo(bytes);

        return value.Mantissa == mantissa && value.Exponent == exponent && reread == value
            && IssuedValue.FromBytes(bytes, "value") == value;
    }
}
