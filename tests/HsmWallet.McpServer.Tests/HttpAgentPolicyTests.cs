using System.Text.Json.Nodes;
using HsmWallet.Core.Policy;
using HsmWallet.McpServer.Tests.Support;

namespace HsmWallet.McpServer.Tests;

/// <summary>
/// Per-agent policy sections over HTTP (docs/policy.md, Per-agent sections): each agent's section comes from its token
/// alone, tightens the home's policy for its signatures only, and a section edited behind the operator's back refuses
/// that agent's every signature until `hsmwallet agent policy` re-applies it.
/// </summary>
public sealed class HttpAgentPolicyTests
{
    private const string Destination = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe";

    private static readonly PolicyDocument NoPayments =
        PolicyDocument.Parse("""{"version":1,"networks":{"testnet":{"default":{"blocked_transaction_types":["Payment"]}}}}""");

    // Looser than the home's testnet default (10000 XRP per transaction): it cannot loosen, only add its own rules.
    private static readonly PolicyDocument Generous =
        PolicyDocument.Parse("""{"version":1,"networks":{"testnet":{"default":{"max_per_transaction":{"XRP":"1000000"},"max_transactions_per_day":100}}}}""");

    private static object Payment(uint sequence, string drops = "1000") =>
        new { TransactionType = "Payment", Destination, Amount = drops, Fee = "12", Sequence = sequence, LastLedgerSequence = 5000 };

    private static object Sign(uint sequence, string drops = "1000") => new { wallet = "alpha", tx = Payment(sequence, drops), autofill = false };

    [Fact]
    public async Task Two_agents_with_different_sections_get_different_outcomes_for_the_same_payment_and_the_audit_names_the_sections()
    {
        await using var server = await HttpTestServer.StartAsync();
        await using var admin = await server.ConnectAsync(server.Agents.Add("admin", null));
        await server.CallAsync(admin, "wallet_create", new { name = "alpha" });
        await using var strict = await server.ConnectAsync(server.Agents.Add("strict", null, NoPayments));
        await using var generous = await server.ConnectAsync(server.Agents.Add("generous", null, Generous));

        var (strictError, refused) = await server.CallAsync(strict, "tx_sign", Sign(1));
        var (_, checkedByStrict) = await server.CallAsync(strict, "policy_check", new { wallet = "alpha", tx = Payment(1) });
        var (generousError, signed) = await server.CallAsync(generous, "tx_sign", Sign(1));
        var (_, tooLarge) = await server.CallAsync(generous, "policy_check", new { wallet = "alpha", tx = Payment(2, "20000000000") });

        Assert.True(strictError);
        Assert.Equal("policy_denied", refused["error"]!["code"]!.GetValue<string>());
        var reason = Assert.Single(refused["error"]!["reasons"]!.AsArray())!;
        Assert.Equal(("blocked_transaction_types", "agent:strict"), (reason["rule"]!.GetValue<string>(), reason["section"]!.GetValue<string>()));
        Assert.Equal("deny", checkedByStrict["decision"]!.GetValue<string>());
        Assert.False(generousError, signed.ToJsonString());
        Assert.Equal("allow", signed["decision"]!.GetValue<string>());
        // Its own higher limit does not lift the home's 10000 XRP: the home's rule still asks for a human.
        Assert.Equal("approve", tooLarge["decision"]!.GetValue<string>());
        Assert.Equal("home", Assert.Single(tooLarge["reasons"]!.AsArray())!["section"]!.GetValue<string>());

        var entries = server.AuditEntries("transaction.sign");
        var denied = Assert.Single(entries, entry => entry["operation"]!["result"]!.GetValue<string>() == "denied");
        var success = Assert.Single(entries, entry => entry["operation"]!["result"]!.GetValue<string>() == "success");
        Assert.Contains("agent:strict", denied["actor"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(["home", "agent:strict"], Sections(denied));
        Assert.Contains("agent:generous", success["actor"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(["home", "agent:generous"], Sections(success));
    }

    [Fact]
    public async Task An_agents_section_edited_behind_the_operators_back_refuses_its_signatures_until_it_is_re_applied()
    {
        await using var server = await HttpTestServer.StartAsync();
        var registry = server.Agents;
        await using var admin = await server.ConnectAsync(registry.Add("admin", null));
        await server.CallAsync(admin, "wallet_create", new { name = "alpha" });
        await using var bot = await server.ConnectAsync(registry.Add("bot", null, NoPayments));

        // The agent (or anyone who can write the home) swaps in a looser section: it must not be trusted, nor fall back to the home's.
        File.WriteAllText(registry.PolicyPath("bot"), Generous.CanonicalJson);
        var (editedError, edited) = await server.CallAsync(bot, "tx_sign", Sign(1));
        File.Delete(registry.PolicyPath("bot"));
        var (_, deleted) = await server.CallAsync(bot, "tx_sign", Sign(1));
        var (adminError, _) = await server.CallAsync(admin, "tx_sign", Sign(1));

        Assert.True(editedError);
        foreach (var body in new[] { edited, deleted })
        {
            Assert.Equal("policy_denied", body["error"]!["code"]!.GetValue<string>());
            var reason = Assert.Single(body["error"]!["reasons"]!.AsArray())!;
            Assert.Equal("agent_policy", reason["rule"]!.GetValue<string>());
            Assert.Contains("hsmwallet agent policy bot", reason["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        // Other agents are not affected; the operator's re-apply (here: a looser section, on purpose) lets the agent sign again.
        Assert.False(adminError);
        registry.SetPolicy("bot", Generous);
        var (reappliedError, reapplied) = await server.CallAsync(bot, "tx_sign", Sign(2));
        Assert.False(reappliedError, reapplied.ToJsonString());
    }

    private static IEnumerable<string> Sections(JsonObject entry) =>
        entry["operation"]!["parameters"]!["policy"]!.AsArray().Select(item => item!.GetValue<string>());
}
