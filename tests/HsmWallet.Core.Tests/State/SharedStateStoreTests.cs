using HsmWallet.Core.Audit;
using HsmWallet.Core.Ledger;
using HsmWallet.Core.Signing;
using HsmWallet.Core.State;
using HsmWallet.Core.Tests.Signing;
using HsmWallet.Core.Tests.Unlocking;
using HsmWallet.Core.Vault;

namespace HsmWallet.Core.Tests.State;

/// <summary>
/// Two signing services on two homes (copies of one vault, each with its own audit log), as two instances on two
/// hosts would be, sharing one state store: whichever signs, one Sequence never gets two different transactions and
/// the day's limit holds across both, also when they race. The database backend passes the same in its own tests.
/// </summary>
public sealed class SharedStateStoreTests : IDisposable
{
    private readonly SigningHarness _harness = new();
    private readonly TemporaryDirectory _directory = new();
    private readonly List<AuditWriter> _writers = [];
    private readonly List<WalletVault> _vaults = [];
    private readonly WalletInfo _wallet;
    private readonly FileStateStore _shared;

    public SharedStateStoreTests()
    {
        _wallet = _harness.CreateWallet();
        _shared = new FileStateStore(Path.Combine(_directory.Path, "common-store"));
        Directory.CreateDirectory(Path.Combine(_directory.Path, "common-store"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // What `hsmwallet state import` brings (or a vault created on this store makes): the lockout record; a missing one locks.
        new Core.Unlocking.Lockout.LockoutGuard(_shared).Initialize();
    }

    public void Dispose()
    {
        foreach (var writer in _writers)
        {
            writer.Dispose();
        }

        _directory.Dispose();
        _harness.Dispose();
    }

    [Fact]
    public async Task A_Sequence_signed_on_one_instance_cannot_be_signed_with_other_content_on_the_other()
    {
        var first = Instance(_harness.Vault.Home.Root);
        var second = Instance(CopyOfHome("b"));

        first.Sign(await Prepare(first, sequence: 5, xrp: 1), SigningHarness.Unlock, null, SigningHarness.Context);

        var conflicting = await Prepare(second, sequence: 5, xrp: 2);
        var refused = Assert.Throws<InvalidInputException>(() => second.Sign(conflicting, SigningHarness.Unlock, null, SigningHarness.Context));
        Assert.Equal("Sequence", refused.Field);
        // The identical transaction is the same signature: signing it again on the other instance is fine.
        Assert.NotNull(second.Sign(await Prepare(second, sequence: 5, xrp: 1), SigningHarness.Unlock, null, SigningHarness.Context).TxBlob);
    }

    [Fact]
    public async Task The_daily_limit_holds_to_the_drop_when_two_instances_race()
    {
        // Testnet's default day is 100,000 XRP and each fee counts: nineteen payments of 5,000 XRP + 12 drops fit, a
        // twentieth would pass the limit by 228 drops; whichever instance signs, and however they interleave.
        var instances = new[] { Instance(_harness.Vault.Home.Root), Instance(CopyOfHome("b")) };
        var refusals = new System.Collections.Concurrent.ConcurrentBag<string>();
        var attempts = Enumerable.Range(1, 26).Select(async sequence =>
        {
            var service = instances[sequence % 2];
            var prepared = await Prepare(service, (uint)sequence, xrp: 5_000);
            try
            {
                return await Task.Run(() => service.Sign(prepared, SigningHarness.Unlock, null, SigningHarness.Context));
            }
            catch (Exception exception) when (exception is PolicyDeniedException or ApprovalRequiredException)
            {
                refusals.Add(exception is PolicyDeniedException denied ? string.Join(",", denied.Reasons.Select(reason => reason.Rule)) : "approval");
                return null;
            }
        });

        var results = await Task.WhenAll(attempts);

        Assert.True(results.Count(result => result is not null) == 19, "refused: " + string.Join(" ", refusals));
        Assert.Equal(7, refusals.Count);
        // 4,999.999772 XRP of the day are left: a payment using all of it with its fee fits, one drop more does not.
        Assert.Equal(Core.Policy.PolicyDecisionKind.Allow, (await Prepare(instances[1], sequence: 40, xrp: 4_999.99976m)).Decision.Kind);
        Assert.NotEqual(Core.Policy.PolicyDecisionKind.Allow, (await Prepare(instances[0], sequence: 40, xrp: 4_999.999761m)).Decision.Kind);
    }

    [Fact]
    public async Task Two_wallets_signing_at_once_on_two_instances_lose_no_count()
    {
        // Each account has its own signing scope, so the two sign in parallel; the counters they share lose nothing.
        var bob = _harness.WalletUseCases.Create("bob", "ed25519", "testnet", SigningHarness.Context);
        var instances = new[] { Instance(_harness.Vault.Home.Root), Instance(CopyOfHome("b")) };
        var work = Enumerable.Range(1, 24).Select(async index =>
        {
            var service = instances[index % 2];
            var (name, address) = index % 2 == 0 ? ("alice", _wallet.Address) : ("bob", bob.Address);
            var prepared = await service.PrepareAsync(
                new SigningRequest(name, SigningHarness.Payment(address, "1000000", sequence: (uint)index), Autofill: false), SigningHarness.Unlock, CancellationToken.None);
            return await Task.Run(() => service.Sign(prepared, SigningHarness.Unlock, null, SigningHarness.Context));
        });

        await Task.WhenAll(work);

        var envelope = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(_directory.Path, "common-store", "state", "policy-counters.json")))!;
        var entries = envelope["body"]!["entries"]!.AsArray();
        // Signatures within a minute are kept as one sum per wallet: its count says how many.
        Assert.Equal(12, entries.Where(entry => (string)entry!["wallet"]! == _wallet.Address).Sum(entry => (int)entry!["count"]!));
        Assert.Equal(12, entries.Where(entry => (string)entry!["wallet"]! == bob.Address).Sum(entry => (int)entry!["count"]!));
    }

    [Fact]
    public async Task A_shared_store_without_its_lockout_record_locks_every_instance()
    {
        var first = Instance(_harness.Vault.Home.Root);
        File.Delete(Path.Combine(_directory.Path, "common-store", "state", "lockout.json"));

        await Assert.ThrowsAsync<Core.Unlocking.LockedOutException>(async () =>
            first.Sign(await Prepare(first, sequence: 5, xrp: 1), SigningHarness.Unlock, null, SigningHarness.Context));
    }

    [Fact]
    public async Task A_freeze_made_on_one_host_stops_the_other_until_it_is_lifted()
    {
        var first = Instance(_harness.Vault.Home.Root);
        var otherHome = CopyOfHome("b");
        var second = Instance(otherHome);
        var freezeOnFirst = new Core.Approvals.WalletFreeze(_vaults[0]);

        freezeOnFirst.WriteMarker(Core.Approvals.FreezeRecord.New(_harness.Clock.GetUtcNow(), "operator", "incident"));

        Assert.False(File.Exists(Path.Combine(otherHome, "state", "freeze.json")));
        var prepared = await Prepare(second, sequence: 5, xrp: 1);
        Assert.Throws<Core.Approvals.WalletFrozenException>(() => second.Sign(prepared, SigningHarness.Unlock, null, SigningHarness.Context));
        freezeOnFirst.DeleteMarker();
        Assert.NotNull(second.Sign(await Prepare(second, sequence: 5, xrp: 1), SigningHarness.Unlock, null, SigningHarness.Context).TxBlob);
        Assert.NotNull(first);
    }

    [Fact]
    public async Task What_one_instance_signed_is_in_the_shared_store_not_in_either_home()
    {
        var first = Instance(_harness.Vault.Home.Root);
        first.Sign(await Prepare(first, sequence: 5, xrp: 1), SigningHarness.Unlock, null, SigningHarness.Context);

        Assert.True(File.Exists(Path.Combine(_directory.Path, "common-store", "state", "signing-testnet.json")));
        Assert.True(File.Exists(Path.Combine(_directory.Path, "common-store", "state", "policy-counters.json")));
        Assert.False(File.Exists(Path.Combine(_harness.Vault.Home.StateDirectory, "signing-testnet.json")));
    }

    private TransactionSigningService Instance(string home)
    {
        var vault = new WalletVault(WalletHome.At(home), _harness.Vault.Providers, _harness.Clock, stateStore: _shared);
        _vaults.Add(vault);
        var writer = new AuditWriter(vault.Home.AuditDirectory, _harness.AuditKey);
        _writers.Add(writer);
        return new TransactionSigningService(vault, new WalletDirectory(vault), LedgerNetwork.Testnet, writer, null, _harness.Clock, store: _shared);
    }

    // A second host's home: the same vault, policy and audit log as they stand, copied (state lives in the shared store).
    private string CopyOfHome(string name)
    {
        var target = Path.Combine(_directory.Path, name);
        HomeCopy.Copy(_harness.Vault.Home.Root, target);
        return target;
    }

    private Task<PreparedSigning> Prepare(TransactionSigningService service, uint sequence, decimal xrp) =>
        service.PrepareAsync(
            new SigningRequest("alice", SigningHarness.Payment(_wallet.Address, ((long)(xrp * 1_000_000)).ToString(System.Globalization.CultureInfo.InvariantCulture), sequence: sequence), Autofill: false),
            SigningHarness.Unlock,
            CancellationToken.None);
}
