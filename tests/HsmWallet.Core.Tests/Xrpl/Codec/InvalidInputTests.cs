using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Codec;

namespace HsmWallet.Core.Tests.Xrpl.Codec;

public class InvalidInputTests
{
    [Theory]
    [InlineData("\"1.5\"", "must be a whole number of drops (no decimal point)")]
    [InlineData("\"-1\"", "must not be negative")]
    [InlineData("\"0x10\"", "must be decimal, not hexadecimal")]
    [InlineData("\"1e6\"", "must not use exponent notation")]
    [InlineData("\"100000000000000001\"", "must not exceed 100000000000 XRP (the total supply)")]
    [InlineData("\"\"", "must not be empty")]
    [InlineData("\"1 000\"", "must not contain spaces")]
    [InlineData("1000", "must be XRP drops as a string, {currency, issuer, value} for an issued currency, or {mpt_issuance_id, value} for an MPT")]
    [InlineData("{\"currency\":\"USD\",\"value\":\"1\"}", "must be XRP drops as a string, {currency, issuer, value} for an issued currency, or {mpt_issuance_id, value} for an MPT")]
    [InlineData("{\"currency\":\"XRP\",\"issuer\":\"rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh\",\"value\":\"1\"}", "currency must not be XRP for an issued currency (XRP is sent as drops)")]
    [InlineData("{\"currency\":\"USDT\",\"issuer\":\"rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh\",\"value\":\"1\"}", "currency must be a three-character code (like USD) or 40 hex digits")]
    [InlineData("{\"currency\":\"USD\",\"issuer\":\"rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh\",\"value\":\"1.00000000000000001\"}", "value must not have more than 16 significant digits")]
    [InlineData("{\"currency\":\"USD\",\"issuer\":\"rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh\",\"value\":\"1 0\"}", "value must be a decimal number such as 12, -0.5 or 1.5e-3")]
    [InlineData("{\"currency\":\"USD\",\"issuer\":\"not-an-address\",\"value\":\"1\"}", "must be a classic XRPL address (r..., 25 to 35 characters)")]
    public void A_bad_Amount_is_refused_with_the_rule_it_broke(string amountJson, string rule)
    {
        var json = Payment();
        json["Amount"] = JsonNode.Parse(amountJson);

        var error = Assert.Throws<InvalidInputException>(() => XrplBinaryCodec.Encode(json));

        Assert.Equal("Amount", error.Field);
        Assert.Equal(rule, error.Rule);
    }

    [Fact]
    public void An_unknown_field_is_refused_by_name()
    {
        var json = Payment();
        json["Amout"] = "1000";

        var error = Assert.Throws<InvalidInputException>(() => XrplBinaryCodec.Encode(json));

        Assert.Equal("Amout", error.Field);
        Assert.Equal("is not a known XRPL field", error.Rule);
    }

    [Fact]
    public void An_unknown_field_inside_a_memo_is_refused_by_name()
    {
        var json = Payment();
        json["Memos"] = JsonNode.Parse("[{\"Memo\":{\"MemoText\":\"00\"}}]");

        Assert.Equal("MemoText", Assert.Throws<InvalidInputException>(() => XrplBinaryCodec.Encode(json)).Field);
    }

    [Theory]
    [InlineData("Sequence", "\"abc\"")]
    [InlineData("Sequence", "-1")]
    [InlineData("Sequence", "4294967296")]
    [InlineData("Sequence", "1.5")]
    [InlineData("Sequence", "true")]
    [InlineData("Flags", "{}")]
    [InlineData("TransactionType", "\"Paymnet\"")]
    [InlineData("TransactionType", "70000")]
    [InlineData("Account", "12")]
    [InlineData("Destination", "\"rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTx\"")]
    [InlineData("Fee", "12")]
    [InlineData("SigningPubKey", "\"ABC\"")]
    [InlineData("SigningPubKey", "\"ZZ\"")]
    [InlineData("InvoiceID", "\"00\"")]
    [InlineData("Memos", "{\"Memo\":{}}")]
    [InlineData("Memos", "[{\"Memo\":{},\"Other\":{}}]")]
    [InlineData("Memos", "[{\"Fee\":\"1\"}]")]
    [InlineData("Paths", "[[{\"account\":\"rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh\",\"foo\":1}]]")]
    [InlineData("Paths", "[]")]
    [InlineData("DestinationTag", "null")]
    [InlineData("TicketSequence", "\"12a\"")]
    [InlineData("OwnerNode", "\"12345678901234567\"")]
    [InlineData("OwnerNode", "\"xyz\"")]
    [InlineData("TickSize", "256")]
    [InlineData("TransferFee", "65536")]
    [InlineData("Amendments", "[\"00\"]")]
    [InlineData("AssetsMaximum", "\"1..2\"")]
    [InlineData("AssetsMaximum", "5")]
    [InlineData("Asset", "{\"currency\":\"USD\"}")]
    [InlineData("Asset", "{\"currency\":\"XRP\",\"issuer\":\"rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh\"}")]
    [InlineData("Asset", "{\"mpt_issuance_id\":\"00\"}")]
    [InlineData("BaseAsset", "\"TOOLONG\"")]
    [InlineData("MPTAmount", "\"-1\"")]
    [InlineData("MPTAmount", "\"0x10\"")]
    [InlineData("LoanScale", "2147483648")]
    public void A_value_of_the_wrong_type_or_form_is_refused_naming_its_field(string field, string valueJson)
    {
        var json = Payment();
        json[field] = JsonNode.Parse(valueJson);

        var error = Assert.Throws<InvalidInputException>(() => XrplBinaryCodec.Encode(json));

        Assert.Equal(field, error.Field);
    }

    [Theory]
    [InlineData("SigningPubKey", "\"5EC12E7SEC12E7\"")]
    [InlineData("Memos", "[{\"Memo\":{\"MemoData\":\"5EC12E7SEC12E7\"}}]")]
    [InlineData("Amount", "\"5EC12E7SEC12E7\"")]
    [InlineData("Account", "\"r5EC12E7SEC12E7\"")]
    [InlineData("Amount", "{\"currency\":\"USD\",\"issuer\":\"rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh\",\"value\":\"5EC12E7SEC12E7\"}")]
    public void An_error_never_repeats_the_offending_value(string field, string valueJson)
    {
        var json = Payment();
        json[field] = JsonNode.Parse(valueJson);

        var error = Assert.Throws<InvalidInputException>(() => XrplBinaryCodec.Encode(json));

        Assert.DoesNotContain("SEC12E7", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12")]
    [InlineData("1200")]
    [InlineData("120000FF")]
    [InlineData("E1")]
    [InlineData("F1")]
    [InlineData("2400000001E1")]
    [InlineData("7310AABB")]
    [InlineData("0F")]
    [InlineData("EA7C01AA")]
    [InlineData("0112FF")]
    [InlineData("1200002200000000")]
    public void Truncated_or_malformed_binary_is_refused(string hex)
    {
        // "1200002200000000" is valid; the others are cut short or misplaced.
        if (hex == "1200002200000000")
        {
            Assert.Equal(2, XrplBinaryCodec.Decode(Convert.FromHexString(hex)).Count);
            return;
        }

        if (hex.Length == 0)
        {
            Assert.Empty(XrplBinaryCodec.Decode([]));
            return;
        }

        Assert.Throws<InvalidInputException>(() => XrplBinaryCodec.Decode(Convert.FromHexString(hex)));
    }

    [Fact]
    public void Fields_that_are_not_serialized_are_left_out()
    {
        var json = Payment();
        var plain = XrplBinaryCodec.Encode(json);
        json["hash"] = new string('A', 64);

        Assert.Equal(plain, XrplBinaryCodec.Encode(json));
    }

    private static JsonObject Payment() => new()
    {
        ["TransactionType"] = "Payment",
        ["Account"] = "r9cZA1mLK5R5Am25ArfXFmqgNwjZgnfk59",
        ["Destination"] = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh",
        ["Amount"] = "1000",
        ["Fee"] = "12",
        ["Sequence"] = 1,
    };
}
