using System.Text;
using HsmWallet.Core.Secrets.Files;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Unlocking.Lockout;
using HsmWallet.Core.Vault;

namespace HsmWallet.Core.Tests.Unlocking;

public sealed class LockoutTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TemporaryDirectory _directory = new();
    private readonly ManualTimeProvider _clock = new(Start);
    private readonly FakeKeyProvider _provider = new();
    private readonly KeyProviderRegistry _registry = new();
    private readonly WalletHome _home;

    public LockoutTests()
    {
        _registry.Register("fake", () => _provider);
        _home = WalletHome.At(Path.Combine(_directory.Path, "home"));
        NewVault().Create(new FixedSecretSource("right secret"), new FakeKeyProvider());
    }

    public void Dispose() => _directory.Dispose();

    private WalletVault NewVault() => new(_home, _registry, _clock);

    private static UnlockOptions With(string secret) => new(new FixedSecretSource(secret));

    private void Fail(WalletVault vault, int times)
    {
        for (var i = 0; i < times; i++)
        {
            Assert.Throws<UnlockFailedException>(() => vault.TestSlot(With("wrong secret")));
        }
    }

    [Fact]
    public void The_sixth_wrong_secret_within_15_minutes_is_refused_before_the_unwrap_runs()
    {
        var vault = NewVault();
        Fail(vault, 5);
        var unwrapsBefore = _provider.Unwraps;
        var source = new FixedSecretSource("wrong secret");

        var error = Assert.Throws<LockedOutException>(() => vault.TestSlot(new UnlockOptions(source)));

        Assert.Equal(5, unwrapsBefore);
        Assert.Equal(unwrapsBefore, _provider.Unwraps);
        Assert.Equal(0, source.Reads);
        Assert.Equal(Start.AddMinutes(30), error.LockedUntil);
        Assert.Contains("2025-06-01T12:30:00Z", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_lockout_holds_for_a_new_instance_and_even_for_the_right_secret()
    {
        Fail(NewVault(), 5);

        Assert.Throws<LockedOutException>(() => NewVault().TestSlot(With("right secret")));
    }

    [Fact]
    public void The_lock_lifts_when_its_time_has_passed()
    {
        Fail(NewVault(), 5);
        _clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Throws<LockedOutException>(() => NewVault().TestSlot(With("right secret")));

        _clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(1, NewVault().TestSlot(With("right secret")).Id);
    }

    [Fact]
    public void Each_further_lockout_doubles()
    {
        var vault = NewVault();
        Fail(vault, 5);
        _clock.Advance(TimeSpan.FromMinutes(30));
        Fail(vault, 5);

        var second = Assert.Throws<LockedOutException>(() => vault.TestSlot(With("right secret")));
        _clock.Advance(TimeSpan.FromMinutes(60));
        Fail(vault, 5);
        var third = Assert.Throws<LockedOutException>(() => vault.TestSlot(With("right secret")));

        Assert.Equal(Start.AddMinutes(30 + 60), second.LockedUntil);
        Assert.Equal(Start.AddMinutes(30 + 60 + 120), third.LockedUntil);
    }

    [Fact]
    public void Failures_older_than_the_window_do_not_count()
    {
        var vault = NewVault();
        Fail(vault, 4);
        _clock.Advance(TimeSpan.FromMinutes(16));
        Fail(vault, 4);

        Assert.Equal(1, vault.TestSlot(With("right secret")).Id);
    }

    [Fact]
    public void A_success_clears_the_failures()
    {
        var vault = NewVault();
        Fail(vault, 4);
        vault.TestSlot(With("right secret"));
        Fail(vault, 4);

        Assert.Equal(1, vault.TestSlot(With("right secret")).Id);
    }

    [Fact]
    public void An_edited_lockout_record_denies_every_unlock()
    {
        var vault = NewVault();
        Fail(vault, 2);
        var path = Path.Combine(_home.StateDirectory, LockoutGuard.RecordFileName);
        var text = Encoding.UTF8.GetString(ProtectedFile.ReadAllBytes(path));
        ProtectedFile.WriteAtomic(path, Encoding.UTF8.GetBytes(text.Replace("\"lockouts\": 0", "\"lockouts\": 1", StringComparison.Ordinal)));

        var error = Assert.Throws<LockedOutException>(() => vault.TestSlot(With("right secret")));

        Assert.Null(error.LockedUntil);
        Assert.Contains("integrity", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreadable_lockout_record_denies_every_unlock()
    {
        var path = Path.Combine(_home.StateDirectory, LockoutGuard.RecordFileName);
        ProtectedFile.WriteAtomic(path, "not json"u8);

        Assert.Throws<LockedOutException>(() => NewVault().TestSlot(With("right secret")));
    }

    [Fact]
    public void Deleting_the_lockout_record_starts_a_lockout_instead_of_resetting_it()
    {
        Fail(NewVault(), 4);
        File.Delete(Path.Combine(_home.StateDirectory, LockoutGuard.RecordFileName));

        var error = Assert.Throws<LockedOutException>(() => NewVault().TestSlot(With("right secret")));
        Assert.Equal(Start.AddMinutes(30), error.LockedUntil);
        _clock.Advance(TimeSpan.FromMinutes(30));

        Assert.Equal(1, NewVault().TestSlot(With("right secret")).Id);
    }

    [Fact]
    public void A_cancelled_attempt_is_taken_back()
    {
        var guard = new LockoutGuard(_home.StateDirectory, _clock);
        for (var i = 0; i < 10; i++)
        {
            guard.BeginAttempt().Cancelled();
        }

        Assert.Null(guard.LockedUntil());
    }

    [Fact]
    public void An_attempt_never_settled_becomes_a_failure_once_it_has_been_pending_too_long()
    {
        var guard = new LockoutGuard(_home.StateDirectory, _clock);
        for (var i = 0; i < 5; i++)
        {
            _ = guard.BeginAttempt();
        }

        Assert.Null(guard.LockedUntil());
        _clock.Advance(TimeSpan.FromMinutes(2));

        var error = Assert.Throws<LockedOutException>(() => guard.BeginAttempt());
        Assert.Equal(Start.AddMinutes(32), error.LockedUntil);
        Assert.Equal(Start.AddMinutes(32), guard.LockedUntil());
    }

    [Fact]
    public void No_more_guesses_than_the_limit_are_under_test_at_once()
    {
        var guard = new LockoutGuard(_home.StateDirectory, _clock, LockoutPolicy.Default with { InFlightWait = TimeSpan.FromMilliseconds(200) });
        var pending = Enumerable.Range(0, 5).Select(_ => guard.BeginAttempt()).ToList();

        var refused = Assert.Throws<LockedOutException>(() => guard.BeginAttempt());

        Assert.Contains("already under test", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, guard.TriesLeft());
        pending[0].Cancelled();
        var sixth = guard.BeginAttempt();
        Assert.NotNull(sixth);
    }

    [Fact]
    public void Pending_guesses_that_all_fail_lock_at_the_fifth_failure()
    {
        var guard = new LockoutGuard(_home.StateDirectory, _clock);
        var pending = Enumerable.Range(0, 5).Select(_ => guard.BeginAttempt()).ToList();

        var counts = pending.Select(attempt => attempt.Failed()).ToList();

        Assert.Equal([4, 3, 2, 1, 0], counts.Select(count => count.TriesLeft));
        Assert.Null(counts[3].LockedUntil);
        Assert.Equal(Start.AddMinutes(30), counts[4].LockedUntil);
        Assert.Throws<LockedOutException>(() => guard.BeginAttempt());
    }

    [Fact]
    public void A_success_while_others_are_under_test_leaves_their_attempts_counted()
    {
        var guard = new LockoutGuard(_home.StateDirectory, _clock);
        var first = guard.BeginAttempt();
        var guesses = Enumerable.Range(0, 4).Select(_ => guard.BeginAttempt()).ToList();

        first.Succeeded();
        var last = guesses.Select(guess => guess.Failed()).ToList()[^1];

        Assert.Equal(1, last.TriesLeft);
        var fifth = guard.BeginAttempt().Failed();
        Assert.Equal(Start.AddMinutes(30), fifth.LockedUntil);
        Assert.Equal(Start.AddMinutes(30), guard.LockedUntil());
    }

    [Fact]
    public void Many_threads_unlocking_with_the_right_secret_at_once_are_never_locked_out()
    {
        var guard = new LockoutGuard(_home.StateDirectory, _clock);

        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 16 }, _ =>
        {
            for (var i = 0; i < 5; i++)
            {
                var attempt = guard.BeginAttempt();
                Thread.Sleep(5);
                attempt.Cancelled();
            }
        });

        Assert.Null(guard.LockedUntil());
        Assert.Equal(5, guard.TriesLeft());
    }
}
