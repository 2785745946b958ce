using System.Globalization;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using HsmWallet.Core.Xrpl.Addresses;

namespace HsmWallet.Core.Tests.Xrpl.Codec;

/// <summary>A generated transaction; the wrapper gives FsCheck a readable counterexample.</summary>
public sealed record GeneratedTransaction(JsonObject Json)
{
    public override string ToString() => Json.ToJsonString();
}

/// <summary>
/// Random transactions in the reference's canonical JSON form (Payment with XRP or issued amounts,
/// memos and tags, OfferCreate, TrustSet, AccountSet, EscrowCreate), so decode(encode(x)) must give x.
/// </summary>
public static class TransactionGenerators
{
    private static readonly string[] Currencies = ["USD", "EUR", "BTC", "CNY", "abc", "$$$", "015841551A748AD2C1F76FF6ECB0CCCD00000000"];

    public static Arbitrary<GeneratedTransaction> Transactions() =>
        Arb.From(Gen.OneOf(Payment(), OfferCreate(), TrustSet(), AccountSet(), EscrowCreate())
            .Select(json => new GeneratedTransaction(json)));

    private static Gen<JsonObject> Payment() =>
        from common in Common("Payment")
        from destination in Account()
        from amount in Amount()
        from sendMax in Optional(IssuedAmount())
        from destinationTag in Optional(UInt32())
        from sourceTag in Optional(UInt32())
        from memos in Optional(Memos())
        from invoice in Optional(Hex(32))
        select With(
            common,
            ("Destination", destination),
            ("Amount", amount),
            ("SendMax", sendMax),
            ("DestinationTag", destinationTag),
            ("SourceTag", sourceTag),
            ("Memos", memos),
            ("InvoiceID", invoice));

    private static Gen<JsonObject> OfferCreate() =>
        from common in Common("OfferCreate")
        from pays in Amount()
        from gets in IssuedAmount()
        from expiration in Optional(UInt32())
        from offerSequence in Optional(UInt32())
        select With(common, ("TakerPays", pays), ("TakerGets", gets), ("Expiration", expiration), ("OfferSequence", offerSequence));

    private static Gen<JsonObject> TrustSet() =>
        from common in Common("TrustSet")
        from limit in IssuedAmount()
        from qualityIn in Optional(UInt32())
        from qualityOut in Optional(UInt32())
        select With(common, ("LimitAmount", limit), ("QualityIn", qualityIn), ("QualityOut", qualityOut));

    private static Gen<JsonObject> AccountSet() =>
        from common in Common("AccountSet")
        from domain in Optional(Blob(0, 256))
        from setFlag in Optional(Gen.Choose(1, 16).Select(flag => (JsonNode)JsonValue.Create((uint)flag)))
        from tickSize in Optional(Gen.Choose(3, 15).Select(size => (JsonNode)JsonValue.Create((uint)size)))
        from emailHash in Optional(Hex(16))
        select With(common, ("Domain", domain), ("SetFlag", setFlag), ("TickSize", tickSize), ("EmailHash", emailHash));

    private static Gen<JsonObject> EscrowCreate() =>
        from common in Common("EscrowCreate")
        from destination in Account()
        from amount in Drops()
        from finishAfter in Optional(UInt32())
        from condition in Optional(Blob(39, 39))
        select With(common, ("Destination", destination), ("Amount", amount), ("FinishAfter", finishAfter), ("Condition", condition));

    private static Gen<JsonObject> Common(string type) =>
        from account in Account()
        from fee in Drops()
        from sequence in UInt32()
        from flags in UInt32()
        from lastLedger in Optional(UInt32())
        from key in Optional(Blob(33, 33))
        from signature in Optional(Blob(70, 72))
        select With(
            new JsonObject { ["TransactionType"] = type },
            ("Account", account),
            ("Fee", fee),
            ("Sequence", sequence),
            ("Flags", flags),
            ("LastLedgerSequence", lastLedger),
            ("SigningPubKey", key),
            ("TxnSignature", signature));

    private static Gen<JsonNode> Amount() => Gen.OneOf(Drops(), IssuedAmount());

    private static Gen<JsonNode> Drops() =>
        from high in Gen.Choose(0, 100_000_000)
        from low in Gen.Choose(0, 999_999_999)
        select (JsonNode)JsonValue.Create(((ulong)high * 1_000_000_000UL + (ulong)low).ToString(CultureInfo.InvariantCulture));

    private static Gen<JsonNode> IssuedAmount() =>
        from value in IssuedValueText()
        from currency in Gen.Elements(Currencies)
        from issuer in Account()
        select (JsonNode)new JsonObject { ["currency"] = currency, ["issuer"] = (string)issuer!, ["value"] = value };

    /// <summary>Canonical decimal text: up to 16 significant digits, no exponent, no redundant zeros.</summary>
    private static Gen<string> IssuedValueText() =>
        from digitCount in Gen.Choose(1, 16)
        from digits in Gen.ArrayOf(Gen.Choose(0, 9), digitCount)
        from exponent in Gen.Choose(-40, 40)
        from negative in Gen.Elements(false, true)
        select FormatDecimal(digits, exponent, negative);

    private static Gen<JsonNode> Memos() =>
        from count in Gen.Choose(1, 3)
        from memos in Gen.ArrayOf(Memo(), count)
        select (JsonNode)new JsonArray([.. memos]);

    private static Gen<JsonNode> Memo() =>
        from type in Optional(Blob(1, 20))
        from data in Optional(Blob(0, 400))
        from format in Optional(Blob(1, 10))
        select (JsonNode)new JsonObject
        {
            ["Memo"] = With(new JsonObject(), ("MemoType", type), ("MemoData", data), ("MemoFormat", format)),
        };

    private static Gen<JsonNode> Account() =>
        Bytes(20).Select(bytes => (JsonNode)JsonValue.Create(AccountId.FromBytes(bytes).ToClassicAddress()));

    private static Gen<JsonNode> UInt32() =>
        Gen.Choose(int.MinValue, int.MaxValue).Select(value => (JsonNode)JsonValue.Create(unchecked((uint)value)));

    private static Gen<JsonNode> Hex(int length) => Bytes(length).Select(bytes => (JsonNode)JsonValue.Create(Convert.ToHexString(bytes)));

    private static Gen<JsonNode> Blob(int minLength, int maxLength) =>
        from length in Gen.Choose(minLength, maxLength)
        from bytes in Bytes(length)
        select (JsonNode)JsonValue.Create(Convert.ToHexString(bytes));

    private static Gen<byte[]> Bytes(int length) => Gen.ArrayOf(Gen.Choose(0, 255).Select(value => (byte)value), length);

    private static Gen<JsonNode?> Optional(Gen<JsonNode> generator) =>
        Gen.Frequency((1, Gen.Constant<JsonNode?>(null)), (2, generator.Select(node => (JsonNode?)node)));

    private static JsonObject With(JsonObject json, params (string Name, JsonNode? Value)[] fields)
    {
        foreach (var (name, value) in fields)
        {
            if (value is not null)
            {
                json[name] = value;
            }
        }

        return json;
    }

    private static string FormatDecimal(int[] digitValues, int exponent, bool negative)
    {
        var digits = string.Concat(digitValues).TrimStart('0');
        if (digits.Length == 0)
        {
            return "0";
        }

        while (digits.EndsWith('0'))
        {
            digits = digits[..^1];
            exponent++;
        }

        string text;
        if (exponent >= 0)
        {
            text = digits + new string('0', exponent);
        }
        else if (digits.Length > -exponent)
        {
            text = digits[..(digits.Length + exponent)] + "." + digits[(digits.Length + exponent)..];
        }
        else
        {
            text = "0." + new string('0', -exponent - digits.Length) + digits;
        }

        return negative ? "-" + text : text;
    }
}
