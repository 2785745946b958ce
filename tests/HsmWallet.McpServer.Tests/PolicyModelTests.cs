using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Tests.Fixtures;
using HsmWallet.Core.Tests.Policy;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.McpServer.Tests.Support;

namespace HsmWallet.McpServer.Tests;

/// <summary>
/// The effect model through MCP, under the mainnet defaults: every attack of the corpus is checked as not allow and
/// gets no signature without a human; with the operator's approval it is signed and the counters advance by what the
/// model says moved (a sell offer's price read from the ledger, a Batch's inner payments); controls show the policy
/// still allows what it should; input that could mean two things is refused.
/// </summary>
public sealed class PolicyModelTests : IAsyncLifetime
{
    private static readonly string Attacker = Address(3);
    private static readonly string Friend = Address(2);
    private static readonly string Issuer = Address(4);

    private RippledStandIn _ledger = null!;

    public Task InitializeAsync()
    {
        _ledger = RippledStandIn.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _ledger.DisposeAsync();

    private static string Address(byte seed) => AccountId.FromBytes(Enumerable.Repeat(seed, AccountId.Length).ToArray()).ToClassicAddress();

    /// <summary>The built-in mainnet rules, applied to the stand-in's (test) network.</summary>
    private static string MainnetDefaultsOnTestnet()
    {
        var policy = JsonNode.Parse(PolicyDocument.Default.CanonicalJson)!;
        policy["networks"]!["testnet"] = policy["networks"]!["mainnet"]!.DeepClone();
        return policy.ToJsonString();
    }

    private Task<TestServer> StartAsync() => TestServer.StartAsync(new TestServerSetup
    {
        Network = _ledger.Network(),
        Prepare = home =>
        {
            TestServer.CreateKeyFileVault(home);
            TestServer.SetPolicy(home, MainnetDefaultsOnTestnet());
        },
    });

    private static async Task<AttackCorpus> WalletAsync(TestServer server)
    {
        var created = await server.OkAsync("wallet_create", new { name = "payer" });
        return new AttackCorpus(created["address"]!.GetValue<string>(), Attacker, Friend, Issuer);
    }

    private static int Signatures(TestServer server) =>
        server.AuditEntries("transaction.sign").Count(entry => entry["operation"]!["result"]!.GetValue<string>() == "success");

    private static JsonObject Payment(AttackCorpus corpus, string destination, string drops, uint sequence)
    {
        var tx = corpus.Tx("Payment", ("Destination", destination), ("Amount", drops));
        tx["Sequence"] = sequence;
        return tx;
    }

    [Fact]
    public async Task No_attack_in_the_corpus_is_allowed_by_policy_check_or_signed_by_tx_sign_without_a_human()
    {
        await using var server = await StartAsync();
        var corpus = await WalletAsync(server);

        foreach (var (name, tx) in corpus.Transactions())
        {
            // A type the codec does not know cannot even be encoded: bad input, before any policy.
            var (checkFailed, check) = await server.CallAsync("policy_check", new { wallet = "payer", tx });
            if (checkFailed)
            {
                Assert.Equal("invalid_input", check["error"]!["code"]!.GetValue<string>());
            }
            else
            {
                Assert.True(check["decision"]!.GetValue<string>() != "allow", $"{name}: policy_check said allow");
                Assert.True(check["effects"] is JsonObject, $"{name}: policy_check did not show the model's reading");
            }

            var (isError, body) = await server.CallAsync("tx_sign", new { wallet = "payer", tx, autofill = false });
            Assert.True(isError, $"{name} was signed without a human: {body.ToJsonString()}");
            var code = body["error"]!["code"]!.GetValue<string>();
            Assert.True(code is "approval_pending" or "policy_denied" or "invalid_input", $"{name}: {code}");
            if (body["error"]!["approval_id"] is JsonNode id)
            {
                server.Services.App.Approvals.Deny(id.GetValue<string>());
            }
        }

        Assert.Equal(0, Signatures(server));
    }

    [Fact]
    public async Task Accepting_a_sell_offer_shows_its_price_and_owner_and_once_approved_counts_the_price()
    {
        await using var server = await StartAsync();
        var corpus = await WalletAsync(server);
        _ledger.LedgerObjects[AttackCorpus.ObjectId] = AttackCorpus.SellOffer("4999000000", Attacker);
        var accept = corpus.Transactions()["nft_accept_sell_offer"];

        var check = await server.OkAsync("policy_check", new { wallet = "payer", tx = accept });
        Assert.Equal("approve", check["decision"]!.GetValue<string>());
        var reading = check["effects"]!["referenced_objects"]![0]!;
        Assert.Contains("pays 4999 XRP", reading["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(Attacker, reading["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("4999.000012", check["effects"]!["moves"]!["XRP"]!.GetValue<string>());
        Assert.Contains(check["reasons"]!.AsArray(), reason => reason!["rule"]!.GetValue<string>() == "max_per_transaction");

        var pending = await server.ErrorAsync("tx_sign", new { wallet = "payer", tx = accept, autofill = false }, "approval_pending");
        var id = pending["approval_id"]!.GetValue<string>();
        Assert.Contains("pays 4999 XRP", Assert.Single(server.Services.App.Approvals.ListPending()).Summary.ToText(), StringComparison.Ordinal);
        server.Services.App.Approvals.Approve(id);
        await server.OkAsync("tx_sign", new { wallet = "payer", tx = accept, autofill = false, approval_id = id });
        Assert.Equal(1, Signatures(server));

        // The offer's owner is now a known destination; the price filled the day's allowance.
        var after = await server.OkAsync("policy_check", new { wallet = "payer", tx = Payment(corpus, Attacker, "1000000", 8) });
        var rules = after["reasons"]!.AsArray().Select(reason => reason!["rule"]!.GetValue<string>()).ToList();
        Assert.Contains("max_daily_volume", rules);
        Assert.DoesNotContain("new_destination_requires_approval", rules);
    }

    [Fact]
    public async Task A_batch_is_read_shown_signed_once_approved_and_audited_as_all_of_its_inner_transactions()
    {
        await using var server = await StartAsync();
        var corpus = await WalletAsync(server);
        var batch = corpus.Transactions()["batch_drain"];

        var check = await server.OkAsync("policy_check", new { wallet = "payer", tx = batch });
        Assert.Equal("approve", check["decision"]!.GetValue<string>());
        Assert.Equal(3, check["effects"]!["inner_transactions"]!.AsArray().Count);
        Assert.Equal("90000.00004", check["effects"]!["moves"]!["XRP"]!.GetValue<string>());
        var keyChanges = check["reasons"]!.AsArray().Where(reason => reason!["rule"]!.GetValue<string>() == "key_change").Select(reason => reason!["message"]!.GetValue<string>()).ToList();
        Assert.Contains(keyChanges, message => message.Contains("SetRegularKey", StringComparison.Ordinal));
        Assert.Contains(keyChanges, message => message.Contains("AccountDelete", StringComparison.Ordinal));

        var pending = await server.ErrorAsync("tx_sign", new { wallet = "payer", tx = batch, autofill = false }, "approval_pending");
        var shown = Assert.Single(server.Services.App.Approvals.ListPending()).Summary.ToText();
        Assert.Contains("Inner transaction 1 of 3: Payment", shown, StringComparison.Ordinal);
        Assert.Contains("Inner transaction 2 of 3: SetRegularKey", shown, StringComparison.Ordinal);
        Assert.Contains("Inner transaction 3 of 3: AccountDelete", shown, StringComparison.Ordinal);
        Assert.Equal(0, Signatures(server));

        var id = pending["approval_id"]!.GetValue<string>();
        server.Services.App.Approvals.Approve(id);
        await server.OkAsync("tx_sign", new { wallet = "payer", tx = batch, autofill = false, approval_id = id });
        var signed = server.AuditEntries("transaction.sign").Single(entry => entry["operation"]!["result"]!.GetValue<string>() == "success");
        Assert.Equal(3, signed["operation"]!["parameters"]!["effects"]!["inner_transactions"]!.AsArray().Count);

        // The inner 90,000 XRP payment counts: the day's allowance is spent, and the attacker is now known.
        var after = await server.OkAsync("policy_check", new { wallet = "payer", tx = Payment(corpus, Attacker, "1000000", 8) });
        Assert.Contains(after["reasons"]!.AsArray(), reason => reason!["rule"]!.GetValue<string>() == "max_daily_volume");
    }

    [Fact]
    public async Task Control_an_approved_first_payment_makes_the_destination_known_and_the_next_small_one_is_allowed()
    {
        await using var server = await StartAsync();
        var corpus = await WalletAsync(server);

        var first = Payment(corpus, Friend, "1000000", 1);
        var pending = await server.ErrorAsync("tx_sign", new { wallet = "payer", tx = first, autofill = false }, "approval_pending");
        server.Services.App.Approvals.Approve(pending["approval_id"]!.GetValue<string>());
        await server.OkAsync("tx_sign", new { wallet = "payer", tx = first, autofill = false, approval_id = pending["approval_id"]!.GetValue<string>() });

        var second = await server.OkAsync("tx_sign", new { wallet = "payer", tx = Payment(corpus, Friend, "1000000", 2), autofill = false });
        Assert.Equal("allow", second["decision"]!.GetValue<string>());
        Assert.Equal(2, Signatures(server));
    }

    [Fact]
    public async Task A_key_given_twice_or_one_that_cleaning_would_change_is_invalid_input_naming_the_field()
    {
        await using var server = await StartAsync();
        var corpus = await WalletAsync(server);
        var account = corpus.Tx("Payment")["Account"]!.GetValue<string>();

        using var twice = JsonDocument.Parse($$"""{"TransactionType":"Payment","Account":"{{account}}","Destination":"{{Friend}}","Amount":"1","Amount":"90000000000","Fee":"12","Sequence":1}""");
        var duplicate = await server.ErrorAsync("policy_check", new { wallet = "payer", tx = twice.RootElement }, "invalid_input");
        Assert.StartsWith("tx", duplicate["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("twice", duplicate["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var merged = new JsonObject
        {
            ["TransactionType"] = "Payment",
            ["Account"] = account,
            ["Destination"] = Friend,
            ["Destination\u0000"] = Attacker,
            ["Amount"] = "1",
            ["Fee"] = "12",
            ["Sequence"] = 1,
        };
        var cleaned = await server.ErrorAsync("tx_sign", new { wallet = "payer", tx = merged, autofill = false }, "invalid_input");
        Assert.StartsWith("tx", cleaned["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, Signatures(server));
    }

    [Fact]
    public async Task A_payment_to_an_x_address_is_read_as_its_classic_address_and_tag_and_signed()
    {
        await using var server = await StartAsync();
        var corpus = await WalletAsync(server);
        var friend = AccountId.ParseClassic(Friend, "friend");
        var tx = Payment(corpus, new XAddress(friend, 12345, IsTestNetwork: true).Encode(), "1000000", 1);

        var check = await server.OkAsync("policy_check", new { wallet = "payer", tx });
        Assert.Equal(Friend, check["effects"]!["counterparties"]![0]!["address"]!.GetValue<string>());
        var pending = await server.ErrorAsync("tx_sign", new { wallet = "payer", tx, autofill = false }, "approval_pending");
        server.Services.App.Approvals.Approve(pending["approval_id"]!.GetValue<string>());
        var signed = await server.OkAsync("tx_sign", new { wallet = "payer", tx, autofill = false, approval_id = pending["approval_id"]!.GetValue<string>() });

        var decoded = await server.OkAsync("tx_decode", new { tx_blob = signed["tx_blob"]!.GetValue<string>() });
        Assert.Equal(Friend, decoded["tx_json"]!["Destination"]!.GetValue<string>());
        Assert.Equal(12345U, decoded["tx_json"]!["DestinationTag"]!.GetValue<uint>());
    }
}
