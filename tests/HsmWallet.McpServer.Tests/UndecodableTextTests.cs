using System.Text.Json;
using HsmWallet.Core;
using HsmWallet.McpServer.Pipeline;

namespace HsmWallet.McpServer.Tests;

/// <summary>
/// A string argument holding an escape of half a surrogate pair ("\ud800") is valid JSON the MCP SDK hands over,
/// but cannot be read as text: the validator refuses it as invalid input naming the field, never with an exception
/// that names none (issue 21).
/// </summary>
public sealed class UndecodableTextTests
{
    private const string Payment = "\"TransactionType\":\"Payment\",\"Account\":\"rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe\",\"Destination\":\"rLHzPsX6oXkzU2qL12kHCH8G8cnZv1rBJh\",\"Amount\":\"1000\"";

    public static TheoryData<string, string, string> Undecodable => new()
    {
        { "wallet_balance", """{"wallet":"\ud800"}""", "wallet" },
        { "wallet_balance", """{"wallet":"main\udfffname"}""", "wallet" },
        { "wallet_create", """{"name":"a\ud800\ud800"}""", "name" },
        { "wallet_create", """{"name":"savings","network":"\udc00"}""", "network" },
        { "tx_status", """{"hash":"\ud800"}""", "hash" },
        { "wallet_history", """{"wallet":"main","marker":"\ud800"}""", "marker" },
        { "wallet_history", """{"wallet":"main","marker":{"ledger":"\ud800"}}""", "marker.ledger" },
        { "tx_sign", "{\"wallet\":\"main\",\"tx\":{" + Payment + ",\"Memos\":[{\"Memo\":{\"MemoData\":\"\\udfff\"}}]}}", "tx.Memos[0].Memo.MemoData" },
        { "policy_check", "{\"wallet\":\"main\",\"tx\":{" + Payment + ",\"\\ud800\":\"1\"}}", "tx" },
    };

    [Theory]
    [MemberData(nameof(Undecodable))]
    public void A_half_surrogate_escape_in_an_argument_is_invalid_input_naming_the_field(string tool, string arguments, string field)
    {
        var error = Assert.Throws<InvalidInputException>(() => InputValidator.Validate(tool, Arguments(arguments)));

        Assert.Equal(field, error.Field);
        Assert.Equal($"{field}: {JsonText.Rule}", error.Message);
    }

    [Fact]
    public void A_whole_surrogate_pair_is_text_and_passes()
    {
        var cleaned = InputValidator.Validate("wallet_create", Arguments("""{"name":"wallet-\ud83d\ude00"}"""));

        Assert.Equal("wallet-\U0001F600", cleaned["name"].GetString());
    }

    [Fact]
    public void The_transaction_reader_refuses_half_a_surrogate_pair_for_the_CLI_too()
    {
        var error = Assert.Throws<InvalidInputException>(() => Core.Xrpl.Transactions.TransactionJson.ParseObject("{" + Payment + ",\"Memos\":[{\"Memo\":{\"MemoType\":\"\\ud800\"}}]}", "tx"));

        Assert.Equal("tx.Memos[0].Memo.MemoType", error.Field);
    }

    // As the MCP SDK hands arguments over: a dictionary of JsonElements from the request's JSON.
    private static Dictionary<string, JsonElement> Arguments(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().ToDictionary(property => property.Name, property => property.Value.Clone(), StringComparer.Ordinal);
    }
}
