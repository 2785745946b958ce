using System.Text.Json.Nodes;
using HsmWallet.Core.Tests.Fixtures;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.McpServer.Tests.Support;

namespace HsmWallet.McpServer.Tests;

/// <summary>tx_sign tells the agent when a transaction waits on an earlier signature the ledger has not seen.</summary>
public sealed class SequenceGapTests
{
    private const string Destination = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe";

    [Fact]
    public async Task A_second_signature_before_the_first_is_submitted_carries_a_sequence_gap_warning()
    {
        await using var ledger = RippledStandIn.Start(TimeSpan.FromMilliseconds(200));
        await using var server = await TestServer.StartAsync(new TestServerSetup { Network = ledger.Network() });
        var address = (await server.OkAsync("wallet_create", new { name = "payer" }))["address"]!.GetValue<string>();
        ledger.Fund(AccountId.ParseClassic(address, "address"), 50_000_000, sequence: 8);
        ledger.Fund(AccountId.ParseClassic(Destination, "address"), 50_000_000);
        var tx = new JsonObject { ["TransactionType"] = "Payment", ["Destination"] = Destination, ["Amount"] = "1000000" };

        var first = await server.OkAsync("tx_sign", new { wallet = "payer", tx });
        var second = await server.OkAsync("tx_sign", new { wallet = "payer", tx });

        Assert.Empty(first["warnings"]!.AsArray());
        var warning = Assert.Single(second["warnings"]!.AsArray())!.GetValue<string>();
        Assert.StartsWith("Sequence 9: the transaction signed earlier for Sequence 8 has not been seen on the ledger", warning, StringComparison.Ordinal);
    }
}
