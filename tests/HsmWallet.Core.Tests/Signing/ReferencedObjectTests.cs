using System.Text.Json.Nodes;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Ledger;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Signing;
using HsmWallet.Core.Tests.Fixtures;
using HsmWallet.Core.Vault;

namespace HsmWallet.Core.Tests.Signing;

/// <summary>
/// Value drawn from the ledger: preparation reads the objects a transaction references from the loopback rippled
/// stand-in (ledger_entry), the human sees what they move, the policy counts it, and the signature uses the same
/// reading; an object that cannot be read needs a human.
/// </summary>
public sealed class ReferencedObjectTests : IAsyncLifetime
{
    private const string OfferId = "1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90A";
    private const string NftId = "000800006203F49C21D5D6E022CB16DE3538F248662FC73C00000000000000BB";
    private const string Attacker = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe";

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
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _harness.Dispose();
        _client.Dispose();
        await _ledger.DisposeAsync();
    }

    [Fact]
    public async Task A_sell_offers_price_is_read_shown_counted_and_needs_approval_above_the_limit()
    {
        _ledger.LedgerObjects[OfferId] = new JsonObject
        {
            ["LedgerEntryType"] = "NFTokenOffer",
            ["Flags"] = 1,
            ["Amount"] = "99990000000",
            ["Owner"] = Attacker,
            ["NFTokenID"] = NftId,
        };
        var prepared = await PrepareAsync(Accept());
        Assert.Equal(PolicyDecisionKind.Approve, prepared.Decision.Kind);
        Assert.Contains(prepared.Decision.Reasons, reason => reason.Rule == "max_per_transaction");
        Assert.Contains(prepared.Summary.Lines, line => line.Contains("pays 99990 XRP", StringComparison.Ordinal) && line.Contains(Attacker, StringComparison.Ordinal));
        Assert.Throws<ApprovalRequiredException>(() => _harness.Signing.Sign(prepared, SigningHarness.Unlock, null, SigningHarness.Context));

        var lookups = _ledger.LedgerEntryCount;
        var signed = _harness.Signing.Sign(prepared, SigningHarness.Unlock, new ApprovalGrant(prepared.ApprovalBinding, "operator"), SigningHarness.Context);
        Assert.NotEmpty(signed.TxBlob);
        Assert.Equal(lookups, _ledger.LedgerEntryCount);

        // The audit entry carries what the model read, and the counters count the offer's price.
        var entry = _harness.AuditLines()[^1];
        Assert.Equal("operator", entry["operation"]!["parameters"]!["approved_via"]!.GetValue<string>());
        Assert.Contains("99990", entry.ToJsonString(), StringComparison.Ordinal);
        var next = await PrepareAsync(SigningHarness.Payment(_wallet.Address, "11000000", sequence: 6));
        Assert.Contains(next.Decision.Reasons, reason => reason.Rule == "max_daily_volume");
    }

    [Fact]
    public async Task A_channels_destination_is_read_as_the_recipient()
    {
        _ledger.LedgerObjects[OfferId] = new JsonObject
        {
            ["LedgerEntryType"] = "PayChannel",
            ["Account"] = _wallet.Address,
            ["Destination"] = Attacker,
            ["Amount"] = "1000000",
            ["Balance"] = "0",
        };
        var prepared = await PrepareAsync(Tx("PaymentChannelFund", ("Channel", OfferId), ("Amount", "5000000")));
        Assert.Contains(prepared.Decision.Effects!.Counterparties, party => party.Address == Attacker && party.Field == "Channel.Destination");
        Assert.Contains(prepared.Summary.Lines, line => line.Contains("channel from this wallet to " + Attacker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_vaults_owner_is_read_as_the_recipient_of_a_deposit()
    {
        _ledger.LedgerObjects[OfferId] = new JsonObject
        {
            ["LedgerEntryType"] = "Vault",
            ["Owner"] = Attacker,
            ["Asset"] = new JsonObject { ["currency"] = "XRP" },
        };
        var prepared = await PrepareAsync(Tx("VaultDeposit", ("VaultID", OfferId), ("Amount", "5000000")));
        Assert.Contains(prepared.Decision.Effects!.Counterparties, party => party.Address == Attacker && party.Field == "VaultID.Owner");
        Assert.Contains(prepared.Summary.Lines, line => line.Contains("vault owned by " + Attacker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_object_the_ledger_does_not_hold_needs_approval()
    {
        var prepared = await PrepareAsync(Accept());
        Assert.Equal(PolicyDecisionKind.Approve, prepared.Decision.Kind);
        Assert.Contains(prepared.Decision.Reasons, reason => reason.Rule == "ledger_object" && reason.Message.Contains("no such object", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_server_without_ledger_entry_gives_approval_never_allow()
    {
        _ledger.LedgerEntrySupported = false;
        var prepared = await PrepareAsync(Accept());
        Assert.Equal(PolicyDecisionKind.Approve, prepared.Decision.Kind);
        Assert.Contains(prepared.Decision.Reasons, reason => reason.Rule == "ledger_object" && reason.Message.Contains("does not answer ledger_entry", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_approval_covers_the_reading_a_human_saw()
    {
        _ledger.LedgerObjects[OfferId] = new JsonObject { ["LedgerEntryType"] = "NFTokenOffer", ["Flags"] = 1, ["Amount"] = "1000", ["Owner"] = Attacker, ["NFTokenID"] = NftId };
        var cheap = await PrepareAsync(Accept());
        _ledger.LedgerObjects[OfferId]["Amount"] = "99000000000";
        var dear = await PrepareAsync(Accept());
        Assert.NotEqual(cheap.ApprovalBinding, dear.ApprovalBinding);
        Assert.Throws<ApprovalRequiredException>(() =>
            _harness.Signing.Sign(dear, SigningHarness.Unlock, new ApprovalGrant(cheap.ApprovalBinding, "operator"), SigningHarness.Context));
    }

    private Task<PreparedSigning> PrepareAsync(JsonObject transaction) =>
        _harness.Signing.PrepareAsync(new SigningRequest("alice", transaction, Autofill: false), SigningHarness.Unlock, CancellationToken.None);

    private JsonObject Accept() => Tx("NFTokenAcceptOffer", ("NFTokenSellOffer", OfferId));

    private JsonObject Tx(string type, params (string Field, JsonNode Value)[] fields)
    {
        var transaction = new JsonObject { ["TransactionType"] = type, ["Account"] = _wallet.Address, ["Fee"] = "12", ["Sequence"] = 5 };
        foreach (var (field, value) in fields)
        {
            transaction[field] = value.DeepClone();
        }

        return transaction;
    }
}
