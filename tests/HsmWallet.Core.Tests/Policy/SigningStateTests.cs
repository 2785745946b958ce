using System.Text.Json.Nodes;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Policy;
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
