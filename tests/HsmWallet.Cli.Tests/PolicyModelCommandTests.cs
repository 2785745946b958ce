using System.Text.Json.Nodes;
using HsmWallet.Cli.Tests.Support;
using HsmWallet.Core.Tests.Fixtures;
using HsmWallet.Core.Tests.Policy;
using HsmWallet.Core.Xrpl.Addresses;

namespace HsmWallet.Cli.Tests;

/// <summary>
/// The effect model through `hsmwallet tx sign` on a `--rpc-url` ledger (which gets the mainnet defaults): no attack
/// of the corpus is signed without the operator; with --approve the referenced offer's price is signed and counted;
/// input that could mean two things is bad input; an X-address destination signs as its classic address and tag.
/// </summary>
public sealed class PolicyModelCommandTests : IAsyncLifetime
{
    private static readonly string Attacker = Address(3);
    private static readonly string Friend = Address(2);
    private static readonly string Issuer = Address(4);

    private readonly VaultHome _home = new();
    private RippledStandIn _ledger = null!;
    private AttackCorpus _corpus = null!;

    public Task InitializeAsync()
    {
        _ledger = RippledStandIn.Start();
        _home.RunOk(null, "init", "--unlocker", "keyfile");
        var created = _home.RunOk(null, "wallet", "create", "--name", "main");
        _corpus = new AttackCorpus((string)created["address"]!, Attacker, Friend, Issuer);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _ledger.DisposeAsync();
        _home.Dispose();
    }

    private static string Address(byte seed) => AccountId.FromBytes(Enumerable.Repeat(seed, AccountId.Length).ToArray()).ToClassicAddress();

    private string File(string name, string json)
    {
        var path = Path.Combine(_home.Scratch, name + ".json");
        System.IO.File.WriteAllText(path, json);
        return path;
    }

    private CliProcess.Result Sign(string file, params string[] extra) =>
        _home.Run(null, ["tx", "sign", "--wallet", "main", "--tx", file, "--rpc-url", _ledger.HttpUri.ToString(), .. extra]);

    private JsonObject Payment(string destination, string drops, uint sequence)
    {
        var tx = _corpus.Tx("Payment", ("Destination", destination), ("Amount", drops));
        tx["Sequence"] = sequence;
        return tx;
    }

    [Fact]
    public void No_attack_in_the_corpus_is_signed_without_the_operator()
    {
        foreach (var (name, tx) in _corpus.Transactions())
        {
            var result = Sign(File(name, tx.ToJsonString()));

            Assert.True(result.ExitCode != 0, $"{name} was signed without the operator: {result.Stdout}");
            var code = (string)VaultHome.Error(result)["code"]!;
            Assert.True(code is "approval_declined" or "policy_denied" or "invalid_input", $"{name}: {code} {result.Stdout}");
            Assert.DoesNotContain("tx_blob", result.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_approved_sell_offer_is_signed_and_its_price_counts_against_the_day()
    {
        _ledger.LedgerObjects[AttackCorpus.ObjectId] = AttackCorpus.SellOffer("4999000000", Attacker);
        var accept = File("accept", _corpus.Transactions()["nft_accept_sell_offer"].ToJsonString());
        var small = File("small", Payment(Attacker, "1000000", 8).ToJsonString());

        Assert.Equal("approval_declined", (string)VaultHome.Error(Sign(accept))["code"]!);
        var signed = Sign(accept, "--approve");
        Assert.True(signed.ExitCode == 0, signed.Stdout + signed.Stderr);
        // Read from the ledger even without --autofill, and recorded as read.
        var entry = Directory.GetFiles(Path.Combine(_home.Home, "audit"), "audit-*.jsonl").SelectMany(System.IO.File.ReadAllLines)
            .Select(line => JsonNode.Parse(line)!)
            .Single(line => (string?)line["eventType"] == "transaction.sign" && (string?)line["operation"]!["result"] == "success");
        Assert.Contains("pays 4999 XRP", (string)entry["operation"]!["parameters"]!["effects"]!["referenced_objects"]![0]!["description"]!, StringComparison.Ordinal);

        // Known destination now, but the offer's 4,999 XRP spent the day's 1,000: the next payment needs a human.
        var next = Sign(small);
        Assert.Equal(1, next.ExitCode);
        Assert.Equal("approval_declined", (string)VaultHome.Error(next)["code"]!);
    }

    [Fact]
    public void Control_after_one_approved_payment_to_a_destination_the_next_small_one_signs_without_approval()
    {
        Assert.Equal(0, Sign(File("first", Payment(Friend, "1000000", 1).ToJsonString()), "--approve").ExitCode);

        var second = Sign(File("second", Payment(Friend, "1000000", 2).ToJsonString()));

        Assert.True(second.ExitCode == 0, second.Stdout);
    }

    [Fact]
    public void A_transaction_file_with_a_key_given_twice_is_bad_input_and_nothing_is_signed()
    {
        var account = (string)_corpus.Tx("Payment")["Account"]!;
        var result = Sign(File("twice", $$"""{"TransactionType":"Payment","Account":"{{account}}","Destination":"{{Friend}}","Amount":"1","Amount":"90000000000","Fee":"12","Sequence":1}"""), "--approve");

        Assert.Equal(2, result.ExitCode);
        var error = VaultHome.Error(result);
        Assert.Equal("invalid_input", (string)error["code"]!);
        Assert.StartsWith("--tx", (string)error["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void A_payment_to_an_x_address_signs_as_the_classic_address_and_its_tag()
    {
        var xAddress = new XAddress(AccountId.ParseClassic(Friend, "friend"), 77, IsTestNetwork: false).Encode();

        var signed = _home.RunOk(null, "tx", "sign", "--wallet", "main", "--tx", File("x", Payment(xAddress, "1000000", 3).ToJsonString()), "--rpc-url", _ledger.HttpUri.ToString(), "--approve");
        var decoded = _home.RunOk(null, "tx", "decode", (string)signed["tx_blob"]!);

        Assert.Equal(Friend, (string)decoded["Destination"]!);
        Assert.Equal(77u, (uint)decoded["DestinationTag"]!);
    }

    [Fact]
    public void A_bad_address_checksum_is_bad_input_naming_the_field_not_a_policy_denial()
    {
        var payment = Payment(Friend, "1000", 4);
        payment["Destination"] = Friend[..^1] + (Friend[^1] == 'a' ? 'b' : 'a');

        var result = Sign(File("checksum", payment.ToJsonString()), "--approve");

        Assert.Equal(2, result.ExitCode);
        var error = VaultHome.Error(result);
        Assert.Equal("invalid_input", (string)error["code"]!);
        Assert.StartsWith("Destination", (string)error["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void A_url_named_as_a_testnet_node_keeps_testnet_rules_and_one_of_another_chain_is_refused()
    {
        _ledger.Fund(AccountId.ParseClassic((string)_corpus.Tx("Payment")["Account"]!, "wallet"), 500_000_000_000, sequence: 5);
        var payment = Payment(Friend, "150000000", 5);
        payment.Remove("Sequence");
        var file = File("testnet-node", payment.ToJsonString());

        // As a custom URL: mainnet rules, so 150 XRP to a new destination needs the operator.
        Assert.Equal("approval_declined", (string)VaultHome.Error(Sign(file, "--autofill"))["code"]!);
        var testnet = _home.Run(null, "tx", "sign", "--wallet", "main", "--tx", file, "--autofill", "--network", "testnet", "--rpc-url", _ledger.HttpUri.ToString());
        Assert.True(testnet.ExitCode == 0, testnet.Stdout);

        _ledger.NetworkId = 0;
        var wrong = _home.Run(null, "tx", "sign", "--wallet", "main", "--tx", file, "--autofill", "--network", "testnet", "--rpc-url", _ledger.HttpUri.ToString());
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("network id 0", (string)VaultHome.Error(wrong)["message"]!, StringComparison.Ordinal);
        var misspelt = _home.Run(null, "tx", "sign", "--wallet", "main", "--tx", file, "--network", "mainet", "--rpc-url", _ledger.HttpUri.ToString());
        Assert.Equal(2, misspelt.ExitCode);
    }
}
