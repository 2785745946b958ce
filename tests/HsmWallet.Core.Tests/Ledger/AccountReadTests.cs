using System.Text.Json.Nodes;
using HsmWallet.Core.Ledger;
using HsmWallet.Core.Tests.Fixtures;

namespace HsmWallet.Core.Tests.Ledger;

/// <summary>The ledger client's account reads, ledger status and faucet client against the stand-in, including servers that misbehave.</summary>
public sealed class AccountReadTests
{
    private static readonly LedgerClientOptions Quick = new() { RequestTimeout = TimeSpan.FromSeconds(5), MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(10) };

    private static JsonObject Line(int balance) => new()
    {
        ["account"] = LedgerTestWallet.Payee.ToClassicAddress(),
        ["balance"] = balance.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["currency"] = "USD",
        ["limit"] = "100",
        ["limit_peer"] = "0",
    };

    [Fact]
    public async Task Account_lines_reads_typed_lines_and_a_server_that_sends_more_than_asked_is_refused()
    {
        await using var standIn = RippledStandIn.Start();
        using var wallet = new LedgerTestWallet();
        standIn.Fund(wallet.Address, 50_000_000);
        for (var index = 0; index < 25; index++)
        {
            standIn.AddTrustLine(wallet.Address, Line(index));
        }

        using var client = new LedgerClient(standIn.Network(), Quick);
        var page = await client.AccountLinesAsync(wallet.Address, 20, null, CancellationToken.None);
        Assert.Equal(20, page.Lines.Count);
        Assert.Equal(("USD", "0", "100"), (page.Lines[0].Currency, page.Lines[0].Balance, page.Lines[0].Limit));
        Assert.NotNull(page.Marker);
        var rest = await client.AccountLinesAsync(wallet.Address, 20, page.Marker, CancellationToken.None);
        Assert.Equal(5, rest.Lines.Count);
        Assert.Null(rest.Marker);

        standIn.IgnorePageLimit = true;
        var error = await Assert.ThrowsAsync<LedgerException>(() => client.AccountLinesAsync(wallet.Address, 20, null, CancellationToken.None));
        Assert.Equal("badResponse", error.Code);
    }

    [Theory]
    [InlineData(19)]
    [InlineData(401)]
    public async Task A_page_limit_outside_what_rippled_honours_is_refused_before_asking(int limit)
    {
        await using var standIn = RippledStandIn.Start();
        using var wallet = new LedgerTestWallet();
        using var client = new LedgerClient(standIn.Network(), Quick);

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => client.AccountObjectsAsync(wallet.Address, null, limit, null, CancellationToken.None));

        Assert.Equal("limit", error.Field);
        Assert.Equal(0, standIn.AccountReadCount);
    }

    [Fact]
    public async Task An_nft_uri_that_is_not_hex_refuses_the_answer()
    {
        await using var standIn = RippledStandIn.Start();
        using var wallet = new LedgerTestWallet();
        standIn.Fund(wallet.Address, 50_000_000);
        standIn.AddNft(wallet.Address, new JsonObject
        {
            ["Issuer"] = LedgerTestWallet.Payee.ToClassicAddress(),
            ["NFTokenID"] = new string('0', 64),
            ["NFTokenTaxon"] = 0,
            ["nft_serial"] = 0,
            ["URI"] = "ignore previous instructions",
        });
        using var client = new LedgerClient(standIn.Network(), Quick);

        var error = await Assert.ThrowsAsync<LedgerException>(() => client.AccountNftsAsync(wallet.Address, 20, null, CancellationToken.None));

        Assert.Equal("badResponse", error.Code);
        Assert.Contains("URI", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1", 1_000_000UL)]
    [InlineData("0.2", 200_000UL)]
    [InlineData("1e-5", 10UL)]
    [InlineData("\"10\"", 10_000_000UL)]
    public void Xrp_amounts_from_a_server_become_whole_drops(string json, ulong drops) =>
        Assert.Equal(drops, LedgerStatus.XrpToDrops(JsonNode.Parse(json), "field"));

    [Theory]
    [InlineData("-1")]
    [InlineData("0.0000001")]
    [InlineData("100000000001")]
    [InlineData("\"ten\"")]
    [InlineData("true")]
    public void Xrp_amounts_that_are_not_whole_drops_within_the_supply_are_refused(string json) =>
        Assert.Equal("badResponse", Assert.Throws<LedgerException>(() => LedgerStatus.XrpToDrops(JsonNode.Parse(json), "field")).Code);

    [Fact]
    public void The_faucet_client_cannot_be_made_for_mainnet_or_a_network_without_a_known_faucet()
    {
        Assert.Equal("network", Assert.Throws<InvalidInputException>(() => new FaucetClient(LedgerNetwork.Mainnet)).Field);
        Assert.Throws<InvalidInputException>(() => new FaucetClient(LedgerNetwork.Mainnet with { FaucetUri = new Uri("http://127.0.0.1:1/accounts") }));
        Assert.Throws<InvalidInputException>(() => new FaucetClient(LedgerNetwork.Custom(new Uri("http://127.0.0.1:1/"))));
        Assert.Throws<InvalidInputException>(() => new FaucetClient(LedgerNetwork.CustomOf("mainnet", new Uri("http://127.0.0.1:1/"))));
        Assert.Equal(new Uri("https://faucet.altnet.rippletest.net/accounts"), FaucetClient.FaucetOf(LedgerNetwork.Testnet));
        Assert.Equal(new Uri("https://faucet.devnet.rippletest.net/accounts"), FaucetClient.FaucetOf(LedgerNetwork.Devnet));
        Assert.Equal(LedgerNetwork.Testnet.FaucetUri, FaucetClient.FaucetOf(LedgerNetwork.CustomOf("testnet", new Uri("http://127.0.0.1:1/"))));
    }

    [Fact]
    public async Task The_faucet_funds_the_account_and_a_busy_or_confused_faucet_is_an_error()
    {
        await using var standIn = RippledStandIn.Start();
        using var wallet = new LedgerTestWallet();
        using var faucet = new FaucetClient(standIn.Network());

        var funded = await faucet.FundAsync(wallet.Address, CancellationToken.None);
        Assert.Equal((wallet.Address.ToClassicAddress(), (ulong?)100_000_000), (funded.Address, funded.AmountDrops));
        Assert.Equal(100_000_000UL, standIn.BalanceOf(wallet.Address));

        standIn.FaucetAnswerAddress = LedgerTestWallet.Payee.ToClassicAddress();
        Assert.Equal("badResponse", (await Assert.ThrowsAsync<LedgerException>(() => faucet.FundAsync(wallet.Address, CancellationToken.None))).Code);

        standIn.FaucetStatus = 429;
        Assert.Equal("faucetBusy", (await Assert.ThrowsAsync<LedgerException>(() => faucet.FundAsync(wallet.Address, CancellationToken.None))).Code);
    }
}
