using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Codec;

namespace HsmWallet.Core.Tests.Xrpl.Codec;

public class CodecFixtureTests
{
    public static TheoryData<int> AccountStates => CodecFixtures.Indexes(CodecFixtures.CodecSection("accountState"));

    public static TheoryData<int> Transactions => CodecFixtures.Indexes(CodecFixtures.CodecSection("transactions"));

    public static TheoryData<int> LedgerHeaders => CodecFixtures.Indexes(CodecFixtures.CodecSection("ledgerData"));

    [Theory]
    [MemberData(nameof(AccountStates))]
    public void Every_reference_ledger_object_encodes_to_its_reference_bytes(int index) =>
        AssertEncodes(CodecFixtures.CodecSection("accountState")[index]!);

    [Theory]
    [MemberData(nameof(AccountStates))]
    public void Every_reference_ledger_object_decodes_to_its_reference_json(int index) =>
        AssertDecodes(CodecFixtures.CodecSection("accountState")[index]!);

    [Theory]
    [MemberData(nameof(Transactions))]
    public void Every_reference_transaction_encodes_to_its_reference_bytes(int index) =>
        AssertEncodes(CodecFixtures.CodecSection("transactions")[index]!);

    [Theory]
    [MemberData(nameof(Transactions))]
    public void Every_reference_transaction_decodes_to_its_reference_json(int index) =>
        AssertDecodes(CodecFixtures.CodecSection("transactions")[index]!);

    [Theory]
    [MemberData(nameof(LedgerHeaders))]
    public void Every_reference_ledger_header_round_trips(int index)
    {
        var fixture = CodecFixtures.CodecSection("ledgerData")[index]!;
        var binary = Convert.FromHexString((string)fixture["binary"]!);

        Assert.Equal((string)fixture["binary"]!, Convert.ToHexString(LedgerHeaderCodec.Encode(fixture["json"]!.AsObject())));
        CodecFixtures.AssertJsonEqual(fixture["json"], LedgerHeaderCodec.Decode(binary));
    }

    private static void AssertEncodes(JsonNode fixture)
    {
        var encoded = XrplBinaryCodec.Encode(fixture["json"]!.AsObject());
        Assert.Equal((string)fixture["binary"]!, Convert.ToHexString(encoded));
    }

    private static void AssertDecodes(JsonNode fixture)
    {
        var decoded = XrplBinaryCodec.Decode(Convert.FromHexString((string)fixture["binary"]!));
        CodecFixtures.AssertJsonEqual(fixture["json"], decoded);
    }
}
