using System.Text.Json.Nodes;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Tests.Unlocking;
using static HsmWallet.Core.Tests.Policy.PolicyTestData;

namespace HsmWallet.Core.Tests.Policy;

public sealed class SigningStateTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "hsmwallet-signing-" + Guid.NewGuid().ToString("N"));
    private AuditWriter? _audit;

    private string StatePath => SigningState.PathFor(_home, "testnet");

    private static JsonObject Signed(ulong drops, uint sequence = 5, uint lastLedger = 100)
    {
        var tx = Payment(drops);
        tx["Sequence"] = sequence;
        tx["LastLedgerSequence"] = lastLedger;
        tx["SigningPubKey"] = "ED" + new string('1', 64);
        return tx;
    }

    [Fact]
    public void The_same_sequence_with_different_content_is_refused_and_survives_a_restart()
    {
        SigningState.Load(StatePath, Seal).Reserve(Wallet, Signed(1));

        var restarted = SigningState.Load(StatePath, Seal);
        restarted.Reserve(Wallet, Signed(1));
        var error = Assert.Throws<InvalidInputException>(() => restarted.Reserve(Wallet, Signed(2)));

        Assert.Equal("Sequence", error.Field);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(StatePath));
    }

    [Fact]
    public void Two_processes_sharing_the_state_file_cannot_sign_one_sequence_twice()
    {
        var cli = SigningState.Load(StatePath, Seal);
        var server = SigningState.Load(StatePath, Seal);

        cli.Reserve(Wallet, Signed(1));

        Assert.Throws<InvalidInputException>(() => server.Reserve(Wallet, Signed(2)));
        Assert.Equal(6U, server.NextSequence(Wallet, 5));
    }

    [Fact]
    public void A_sequence_is_free_again_once_its_last_ledger_has_passed_or_it_was_consumed()
    {
        var state = SigningState.InMemory();
        state.Reserve(Wallet, Signed(1, sequence: 5, lastLedger: 100));
        state.Reserve(Wallet, Signed(1, sequence: 6, lastLedger: 200));

        state.Forget(Wallet, accountSequence: 5, validatedLedgerIndex: 101);
        state.Reserve(Wallet, Signed(2, sequence: 5, lastLedger: 300));
        Assert.Throws<InvalidInputException>(() => state.Reserve(Wallet, Signed(2, sequence: 6, lastLedger: 300)));

        state.Forget(Wallet, accountSequence: 7, validatedLedgerIndex: 101);
        state.Reserve(Wallet, Signed(3, sequence: 6, lastLedger: 300));
    }

    [Fact]
    public void Other_accounts_have_their_own_sequences()
    {
        var state = SigningState.InMemory();
        state.Reserve(Wallet, Signed(1));
        var other = Signed(2);
        other["Account"] = Friend.ToClassicAddress();

        state.Reserve(Friend, other);

        Assert.Equal(6U, state.NextSequence(Wallet, 5));
        Assert.Equal(6U, state.NextSequence(Friend, 5));
        Assert.Equal(5U, state.NextSequence(Stranger, 5));
    }

    [Fact]
    public void A_state_file_others_can_read_stops_signing()
    {
        SigningState.Load(StatePath, Seal).Reserve(Wallet, Signed(1));
        File.SetUnixFileMode(StatePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        Assert.Throws<InvalidInputException>(() => SigningState.Load(StatePath, Seal));
    }

    [Fact]
    public void A_sequence_at_the_edge_of_2_to_the_32_is_refused_so_autofill_never_wraps()
    {
        var state = SigningState.InMemory();

        var error = Assert.Throws<InvalidInputException>(() => state.Reserve(Wallet, Signed(1, sequence: uint.MaxValue)));
        Assert.Equal("Sequence", error.Field);
        Assert.Throws<InvalidInputException>(() => state.Reserve(Wallet, Signed(1, sequence: SigningState.MaxSequence + 1)));

        state.Reserve(Wallet, Signed(1, sequence: SigningState.MaxSequence));
        Assert.Throws<InvalidInputException>(() => state.NextSequence(Wallet, SigningState.MaxSequence));
        Assert.Equal(5U, state.NextSequence(Wallet, 5));
    }

    [Fact]
    public void A_lone_reservation_far_ahead_does_not_push_autofill_past_a_gap()
    {
        var state = SigningState.InMemory();
        state.Reserve(Wallet, Signed(1, sequence: 5));
        state.Reserve(Wallet, Signed(1, sequence: 6));
        state.Reserve(Wallet, Signed(1, sequence: 900));

        Assert.Equal(7U, state.NextSequence(Wallet, 5));
        Assert.Equal(7U, state.NextSequence(Wallet, 6));
        Assert.Equal(20U, state.NextSequence(Wallet, 20));
    }

    [Fact]
    public void A_reservation_without_a_last_ledger_holds_its_sequence_for_an_hour_then_lapses_across_restarts()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
        var unbounded = Signed(1, sequence: 5);
        unbounded.Remove("LastLedgerSequence");
        var bounded = Signed(1, sequence: 6, lastLedger: 100);
        SigningState.Load(StatePath, Seal, time).Reserve(Wallet, unbounded);
        SigningState.Load(StatePath, Seal, time).Reserve(Wallet, bounded);

        time.Advance(TimeSpan.FromMinutes(59));
        var other = Signed(2, sequence: 5);
        other.Remove("LastLedgerSequence");
        Assert.Throws<InvalidInputException>(() => SigningState.Load(StatePath, Seal, time).Reserve(Wallet, other));
        Assert.Equal(7U, SigningState.Load(StatePath, Seal, time).NextSequence(Wallet, 5));

        time.Advance(TimeSpan.FromMinutes(1));
        var restarted = SigningState.Load(StatePath, Seal, time);
        Assert.Equal(5U, restarted.NextSequence(Wallet, 5));
        restarted.Reserve(Wallet, other);
        // The one with a deadline waits for the ledger, however long it takes.
        time.Advance(TimeSpan.FromDays(2));
        Assert.Throws<InvalidInputException>(() => SigningState.Load(StatePath, Seal, time).Reserve(Wallet, Signed(3, sequence: 6, lastLedger: 100)));
    }

    private StateSeal Seal => (_audit ??= new AuditWriter(Path.Combine(_home, "audit"), new byte[32])).StateSeal;

    public void Dispose()
    {
        _audit?.Dispose();
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }
}
