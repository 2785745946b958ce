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
    public void An_attempt_that_is_never_settled_counts_as_a_failure()
    {
        var guard = new LockoutGuard(_home.StateDirectory, _clock);
        for (var i = 0; i < 5; i++)
        {
            _ = guard.BeginAttempt();
        }

        Assert.Equal(Start.AddMinutes(30), guard.LockedUntil());
    }
}
