using System.Text.Json.Nodes;
using HsmWallet.Cli.Tests.Support;

namespace HsmWallet.Cli.Tests;

public class TxCommandTests
{
    [Fact]
    public void Decode_then_encode_round_trips_a_reference_transaction()
    {
        var fixture = XrplFixtures.Load("codec-fixtures.json")["transactions"]![0]!;
        var blob = (string)fixture["binary"]!;

        var decoded = CliProcess.Run(null, "tx", "decode", blob, "--json");
        Assert.Equal(0, decoded.ExitCode);
        Assert.True(JsonNode.DeepEquals(fixture["json"], JsonNode.Parse(decoded.Stdout)));

        var encoded = CliProcess.Run(decoded.Stdout, "tx", "encode", "-", "--json");
        Assert.Equal(0, encoded.ExitCode);
        Assert.Equal(blob, (string)JsonNode.Parse(encoded.Stdout)!["tx_blob"]!);
    }

    [Fact]
    public void Decode_reads_the_blob_from_stdin_when_no_argument_is_given()
    {
        var blob = (string)XrplFixtures.Load("response-sign.json")["signedTransaction"]!;
        var result = CliProcess.Run(blob + "\n", "tx", "decode");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("AccountSet", (string)JsonNode.Parse(result.Stdout)!["TransactionType"]!);
    }

    [Theory]
    [InlineData("XYZ")]
    [InlineData("ABC")]
    public void Decode_refuses_text_that_is_not_hex_with_exit_2(string blob)
    {
        var result = CliProcess.Run(null, "tx", "decode", blob);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("BLOB", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_names_the_field_that_breaks_a_rule()
    {
        var result = CliProcess.Run("""{"TransactionType":"Payment","Amount":"1.0000001"}""", "tx", "encode", "--json");
        Assert.Equal(2, result.ExitCode);
        var error = JsonNode.Parse(result.Stdout)!["error"]!;
        Assert.Equal("invalid_input", (string)error["code"]!);
        Assert.Contains("Amount", (string)error["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_of_a_missing_file_is_bad_input()
    {
        var result = CliProcess.Run(null, "tx", "encode", "/nonexistent/tx.json");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("does not exist", result.Stderr, StringComparison.Ordinal);
    }
}
