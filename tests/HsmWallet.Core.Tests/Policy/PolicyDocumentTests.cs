using HsmWallet.Core.Policy;
using static HsmWallet.Core.Tests.Policy.PolicyTestData;

namespace HsmWallet.Core.Tests.Policy;

public sealed class PolicyDocumentTests
{
    [Theory]
    [InlineData("""{"version":1,"networks":{"testnet":{"default":{"max_daily_volume":{"XRP":"ten"}}}}}""", "networks.testnet.default.max_daily_volume.XRP")]
    [InlineData("""{"version":1,"networks":{"testnet":{"default":{"max_daly_volume":{}}}}}""", "networks.testnet.default.max_daly_volume: is not a policy rule")]
    [InlineData("""{"version":2,"networks":{}}""", "version: must be 1")]
    [InlineData("""{"version":1,"networks":{"testnet":{"default":{"blocked_transaction_types":["Paymnt"]}}}}""", "networks.testnet.default.blocked_transaction_types[0]: is not a known transaction type")]
    [InlineData("""{"version":1,"networks":{"testnet":{"default":{"blocked_memo_patterns":["("]}}}}""", "networks.testnet.default.blocked_memo_patterns[0]: must be a valid .NET regular expression")]
    [InlineData("""{"version":1,"networks":{"testnet":{"default":{"active_hours_utc":{"start":9,"end":9}}}}}""", "networks.testnet.default.active_hours_utc.end")]
    [InlineData("""{"version":1,"networks":{"testnet":{"default":{"max_transactions_per_day":-1}}}}""", "networks.testnet.default.max_transactions_per_day: must be a whole number from 0")]
    public void Validation_errors_name_the_field_path_and_the_rule(string json, string expected)
    {
        var error = Assert.Throws<InvalidInputException>(() => PolicyDocument.Parse(json));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_hash_depends_on_meaning_not_on_spelling()
    {
        var first = PolicyDocument.Parse("""{"version":1,"networks":{"testnet":{"default":{"max_fee":"1","max_per_transaction":{"XRP":"100"}}}}}""");
        var second = PolicyDocument.Parse("""
            { "networks": { "testnet": { "default": { "max_per_transaction": { "XRP": "100.000000" }, "max_fee": "1.0" } } }, "version": 1 }
            """);

        Assert.Equal(first.Sha256, second.Sha256);
        Assert.Equal(first.CanonicalJson, second.CanonicalJson);
        Assert.Equal(64, first.Sha256.Length);
    }

    [Fact]
    public void The_diff_says_what_changed_in_words()
    {
        var before = Document("""{"max_fee":"1","max_transactions_per_day":5}""");
        var after = Document($$$"""{"max_fee":"2","destination_blocklist":["{{{Stranger}}}"]}""");

        var lines = after.DescribeChangesFrom(before);

        Assert.Equal(
            [
                $"networks.testnet.default.destination_blocklist: added [\"{Stranger}\"]",
                "networks.testnet.default.max_fee: \"1\" -> \"2\"",
                "networks.testnet.default.max_transactions_per_day: removed (was 5)",
            ],
            lines);
    }

    [Fact]
    public void The_default_policy_parses_and_names_every_network()
    {
        foreach (var network in new[] { "mainnet", "testnet", "devnet", "custom" })
        {
            Assert.NotNull(PolicyDocument.Default.RulesFor(network, Wallet));
        }

        Assert.Equal(100_000_000m, PolicyDocument.Default.RulesFor("mainnet", Wallet)!.MaxPerTransaction["XRP"] * 1_000_000m);
    }
}
