using System.Text.Json.Nodes;
using HsmWallet.Core.Ledger;
using HsmWallet.Core.Signing;
using HsmWallet.Core.Tests.Fixtures;
using HsmWallet.Core.Vault;
using HsmWallet.Core.Xrpl.Addresses;

namespace HsmWallet.Core.Tests.Signing;

/// <summary>
/// One strange transaction cannot stop a wallet's autofill for good: a Sequence at the edge of 2^32 is refused
/// before anything is signed, and a reservation far ahead (signed by hand with autofill off) leaves the ledger's
/// own next Sequence to autofill.
/// </summary>
public sealed class SequenceEdgeTests : IAsyncLifetime
{
    private RippledStandIn _ledger = null!;
    private LedgerClient _client = null!;
    private SigningHarness _harness = null!;
    private WalletInfo _wallet = null!;

    public Task InitializeAsync()
    {
        _ledger = RippledStandIn.Start();
        _client = new LedgerClient(_ledger.Network(), new LedgerClientOptions { RequestTimeout = TimeSpan.FromSeconds(5), MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(10) });
        _harness = new SigningHarness(ledger: _client);
        _wallet = _harness.CreateWallet();
        _ledger.Fund(AccountId.ParseClassic(_wallet.Address, "wallet"), 100_000_000_000, sequence: 7);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _harness.Dispose();
        _client.Dispose();
        await _ledger.DisposeAsync();
    }

    [Fact]
    public async Task Sequence_4294967295_with_autofill_off_is_refused_and_autofill_goes_on()
    {
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => SignAsync(Payment(sequence: uint.MaxValue), autofill: false));
        Assert.Equal("Sequence", error.Field);

        var next = await SignAsync(Payment(sequence: null), autofill: true);

        Assert.Equal(7U, next["Sequence"]!.GetValue<uint>());
    }

    [Fact]
    public async Task A_hand_signed_sequence_far_ahead_leaves_autofill_on_the_ledgers_sequence()
    {
        await SignAsync(Payment(sequence: 500), autofill: false);

        var first = await SignAsync(Payment(sequence: null), autofill: true);
        var second = await SignAsync(Payment(sequence: null, drops: "2"), autofill: true);

        Assert.Equal(7U, first["Sequence"]!.GetValue<uint>());
        Assert.Equal(8U, second["Sequence"]!.GetValue<uint>());
    }

    private JsonObject Payment(uint? sequence, string drops = "1")
    {
        var tx = SigningHarness.Payment(_wallet.Address, drops);
        tx.Remove("Sequence");
        if (sequence is uint value)
        {
            tx["Sequence"] = value;
            tx["LastLedgerSequence"] = 5000;
        }

        return tx;
    }

    private async Task<JsonObject> SignAsync(JsonObject transaction, bool autofill)
    {
        var prepared = await _harness.Signing.PrepareAsync(new SigningRequest("alice", transaction, autofill), SigningHarness.Unlock, CancellationToken.None);
        _harness.Signing.Sign(prepared, SigningHarness.Unlock, null, SigningHarness.Context);
        return prepared.Transaction;
    }
}
