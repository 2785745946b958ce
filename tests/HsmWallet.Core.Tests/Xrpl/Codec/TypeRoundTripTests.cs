using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Codec;

namespace HsmWallet.Core.Tests.Xrpl.Codec;

public class TypeRoundTripTests
{
    [Theory]
    [InlineData("{\"Asset\":{\"currency\":\"XRP\"}}", "03180000000000000000000000000000000000000000")]
    [InlineData("{\"Asset\":{\"mpt_issuance_id\":\"000002D2E0739D43718DB5815CE070D4D514A261EC872C93\"}}",
        "0318E0739D43718DB5815CE070D4D514A261EC872C930000000000000000000000000000000000000001D2020000")]
    [InlineData("{\"BaseAsset\":\"XRP\",\"QuoteAsset\":\"USD\"}",
        "011A0000000000000000000000000000000000000000021A0000000000000000000000005553440000000000")]
    [InlineData("{\"OwnerNode\":\"1\"}", "340000000000000001")]
    [InlineData("{\"MPTAmount\":\"18446744073709551615\"}", "301AFFFFFFFFFFFFFFFF")]
    [InlineData("{\"LoanScale\":-2}", "A1FFFFFFFE")]
    [InlineData("{\"TransactionResult\":\"tecPATH_DRY\"}", "031080")]
    [InlineData("{\"TransactionType\":12345}", "123039")]
    [InlineData("{\"PermissionValue\":\"TrustlineFreeze\"}", "203400010002")]
    [InlineData("{\"PermissionValue\":\"Payment\"}", "203400000001")]
    [InlineData("{\"Paths\":[[{\"mpt_issuance_id\":\"00002403C84A0A28E0190E208E982C352BBD5006600555CF\"}],[{\"currency\":\"XRP\"}]]}",
        "01124000002403C84A0A28E0190E208E982C352BBD5006600555CFFF10000000000000000000000000000000000000000000")]
    [InlineData("{\"Amendments\":[]}", "031300")]
    [InlineData("{\"Amount\":{\"mpt_issuance_id\":\"00002403C84A0A28E0190E208E982C352BBD5006600555CF\",\"value\":\"100\"}}",
        "6160000000000000006400002403C84A0A28E0190E208E982C352BBD5006600555CF")]
    public void Each_type_writes_the_expected_bytes_and_reads_back_the_same_json(string json, string hex)
    {
        var input = JsonNode.Parse(json)!.AsObject();

        var encoded = XrplBinaryCodec.Encode(input);

        Assert.Equal(hex, Convert.ToHexString(encoded));
        var decoded = XrplBinaryCodec.Decode(encoded);
        Assert.Equal(encoded, XrplBinaryCodec.Encode(decoded));
    }

    [Fact]
    public void Codes_without_a_name_decode_as_numbers_and_encode_back()
    {
        var decoded = XrplBinaryCodec.Decode(Convert.FromHexString("123039"));

        Assert.Equal(12345u, (uint)decoded["TransactionType"]!);
    }

    [Fact]
    public void Nested_objects_and_arrays_are_closed_by_their_end_markers()
    {
        var json = JsonNode.Parse("""
            {"Memos":[{"Memo":{"MemoType":"01","MemoData":"02"}},{"Memo":{"MemoFormat":"03"}}]}
            """)!.AsObject();

        var encoded = Convert.ToHexString(XrplBinaryCodec.Encode(json));

        Assert.Equal("F9EA7C01017D0102E1EA7E0103E1F1", encoded);
        CodecFixtures.AssertJsonEqual(json, XrplBinaryCodec.Decode(Convert.FromHexString(encoded)));
    }

    [Fact]
    public void Fields_are_written_in_canonical_order_whatever_the_json_order()
    {
        var shuffled = JsonNode.Parse("""
            {"Sequence":1,"Fee":"12","TickSize":5,"TransactionType":"AccountSet","Account":"rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh"}
            """)!.AsObject();
        var ordered = JsonNode.Parse("""
            {"TransactionType":"AccountSet","Account":"rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh","TickSize":5,"Fee":"12","Sequence":1}
            """)!.AsObject();

        var encoded = XrplBinaryCodec.Encode(shuffled);

        Assert.Equal(encoded, XrplBinaryCodec.Encode(ordered));
        Assert.Equal(
            ["TransactionType", "Sequence", "Fee", "Account", "TickSize"],
            XrplBinaryCodec.Decode(encoded).Select(pair => pair.Key));
    }

    [Fact]
    public void A_UNLModify_account_is_written_empty_as_the_reference_does()
    {
        var json = JsonNode.Parse("""
            {"TransactionType":"UNLModify","Account":"rrrrrrrrrrrrrrrrrrrrrhoLvTp","LedgerSequence":5,"UNLModifyDisabling":1,"UNLModifyValidator":"AA"}
            """)!.AsObject();

        var encoded = Convert.ToHexString(XrplBinaryCodec.Encode(json));

        Assert.Contains("8100", encoded, StringComparison.Ordinal);
        Assert.Equal(string.Empty, (string)XrplBinaryCodec.Decode(Convert.FromHexString(encoded))["Account"]!);
    }

    [Fact]
    public void A_bridge_reads_back_in_the_reference_shape()
    {
        var json = JsonNode.Parse("""
            {"XChainBridge":{"LockingChainDoor":"rGzx83BVoqTYbGn7tiVAnFw7cbxjin13jL","LockingChainIssue":{"currency":"XRP"},
             "IssuingChainDoor":"r3kmLJN5D28dHuH8vZNUZpMC43pEHpaocV","IssuingChainIssue":{"currency":"USD","issuer":"r3kmLJN5D28dHuH8vZNUZpMC43pEHpaocV"}}}
            """)!.AsObject();

        var decoded = XrplBinaryCodec.Decode(XrplBinaryCodec.Encode(json));

        CodecFixtures.AssertJsonEqual(json, decoded);
    }
}
