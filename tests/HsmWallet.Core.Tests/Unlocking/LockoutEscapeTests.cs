using System.Security.Cryptography;
using System.Text.Json.Nodes;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Vault;

namespace HsmWallet.Core.Tests.Unlocking;

/// <summary>
/// The lockout tells how many tries remain, and holds back only what a person could guess: a high-entropy slot
/// (here a recovery-key-like slot) opens a locked vault and lifts the lock, without buying an attacker guesses.
/// </summary>
public sealed class LockoutEscapeTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TemporaryDirectory _directory = new();
    private readonly ManualTimeProvider _clock = new(Start);
    private readonly FakeKeyProvider _password = new();
    private readonly HighEntropyProvider _recovery = new();
    private readonly KeyProviderRegistry _registry = new();
    private readonly WalletHome _home;

    public LockoutEscapeTests()
    {
        _registry.Register("fake", () => _password);
        _registry.Register(HighEntropyProvider.KindName, () => _recovery);
        _home = WalletHome.At(Path.Combine(_directory.Path, "home"));
        NewVault().Create(new KindSecrets("right secret", "right recovery"), _password, _recovery);
    }

    public void Dispose() => _directory.Dispose();

    private WalletVault NewVault() => new(_home, _registry, _clock);

    private static UnlockOptions Password(string secret) => new(new KindSecrets(secret, null), 1);

    private static UnlockOptions Recovery(string secret) => new(new KindSecrets(null, secret), 2);

    private UnlockFailedException WrongPassword() =>
        Assert.Throws<UnlockFailedException>(() => NewVault().TestSlot(Password("wrong secret")));

    [Fact]
    public void Each_wrong_password_says_how_many_tries_are_left_and_the_last_one_says_until_when()
    {
        var failures = Enumerable.Range(0, 5).Select(_ => WrongPassword()).ToList();

        Assert.Equal([4, 3, 2, 1, 0], failures.Select(failure => failure.TriesLeft));
        Assert.Contains("4 tries left", failures[0].Message, StringComparison.Ordinal);
        Assert.Contains("1 try left", failures[3].Message, StringComparison.Ordinal);
        Assert.Null(failures[3].LockedUntil);
        Assert.Equal(Start.AddMinutes(30), failures[4].LockedUntil);
        Assert.Contains("locked out until 2025-06-01T12:30:00Z", failures[4].Message, StringComparison.Ordinal);
        Assert.Equal(0, NewVault().Lockout.TriesLeft());
    }

    [Fact]
    public void A_locked_vault_still_refuses_the_right_password_without_reading_it_and_names_the_slot_that_opens_it()
    {
        for (var i = 0; i < 5; i++)
        {
            WrongPassword();
        }

        var source = new KindSecrets("right secret", null);
        var error = Assert.Throws<LockedOutException>(() => NewVault().TestSlot(new UnlockOptions(source)));

        Assert.Equal(0, source.PasswordReads);
        Assert.Equal(Start.AddMinutes(30), error.LockedUntil);
        Assert.Contains("slot 2 (recovery-like)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void After_a_lockout_the_recovery_key_opens_the_vault_lifts_the_lock_and_the_password_works_again()
    {
        for (var i = 0; i < 5; i++)
        {
            WrongPassword();
        }

        var opened = NewVault().TestSlot(Recovery("right recovery"));

        Assert.Equal(2, opened.Id);
        Assert.Null(NewVault().Lockout.LockedUntil());
        Assert.Equal(1, NewVault().TestSlot(Password("right secret")).Id);
        Assert.Equal(5, NewVault().Lockout.TriesLeft());
    }

    [Fact]
    public void After_a_lift_one_wrong_password_locks_again_for_the_doubled_period_so_alternating_slots_buys_one_guess()
    {
        for (var i = 0; i < 5; i++)
        {
            WrongPassword();
        }

        NewVault().TestSlot(Recovery("right recovery"));
        _clock.Advance(TimeSpan.FromMinutes(10));
        var guess = WrongPassword();

        Assert.Equal(0, guess.TriesLeft);
        Assert.Equal(Start.AddMinutes(10 + 60), guess.LockedUntil);
        Assert.Throws<LockedOutException>(() => NewVault().TestSlot(Password("right secret")));
    }

    [Fact]
    public void A_wrong_recovery_key_counts_toward_the_lockout_but_is_never_refused_by_it_and_does_not_extend_it()
    {
        for (var i = 0; i < 4; i++)
        {
            WrongPassword();
        }

        var fifth = Assert.Throws<UnlockFailedException>(() => NewVault().TestSlot(Recovery("wrong recovery")));
        var whileLocked = Assert.Throws<UnlockFailedException>(() => NewVault().TestSlot(Recovery("wrong recovery")));

        Assert.Equal(0, fifth.TriesLeft);
        Assert.Equal(Start.AddMinutes(30), fifth.LockedUntil);
        Assert.Equal(UnlockFailureReason.WrongSecret, whileLocked.Reason);
        Assert.Equal(Start.AddMinutes(30), NewVault().Lockout.LockedUntil());
        Assert.Equal(2, NewVault().TestSlot(Recovery("right recovery")).Id);
    }

    [Fact]
    public void A_success_of_a_high_entropy_slot_does_not_reset_password_failures_outside_a_lockout()
    {
        for (var i = 0; i < 4; i++)
        {
            WrongPassword();
        }

        NewVault().TestSlot(Recovery("right recovery"));

        Assert.Equal(0, WrongPassword().TriesLeft);
    }

    [Fact]
    public void An_unlock_that_may_not_reset_the_count_opens_a_locked_vault_but_leaves_the_lock_and_the_failures()
    {
        for (var i = 0; i < 5; i++)
        {
            WrongPassword();
        }

        var serverLike = Recovery("right recovery") with { ResetsLockout = false };
        Assert.Equal(2, NewVault().TestSlot(serverLike).Id);
        Assert.Equal(Start.AddMinutes(30), NewVault().Lockout.LockedUntil());
        _clock.Advance(TimeSpan.FromMinutes(31));
        WrongPassword();
        var passwordLike = Password("right secret") with { ResetsLockout = false };
        NewVault().TestSlot(passwordLike);

        Assert.Equal(4, NewVault().Lockout.TriesLeft());
    }

    /// <summary>A recovery-key-like slot: SHA-256 of the secret wraps the vault key; asks for a recovery key.</summary>
    private sealed class HighEntropyProvider : IKeyProvider
    {
        public const string KindName = "recovery-like";

        public string Kind => KindName;

        public bool IsHardwareBacked => false;

        public KeyProviderHealth CheckHealth() => KeyProviderHealth.Healthy("fake");

        public SecretRequest? EnrolmentSecret(SlotBinding binding) => new(SecretKind.RecoveryKey, "New recovery key");

        public SlotEnrolment Enrol(ReadOnlySpan<byte> vaultKey, SlotBinding binding, ReadOnlySpan<byte> secret)
        {
            var parameters = new JsonObject { ["note"] = "fake" };
            SlotKeyWrap.Wrap(SHA256.HashData(secret), vaultKey, binding, parameters);
            return new SlotEnrolment(parameters);
        }

        public SecretRequest? UnlockSecret(JsonObject parameters, SlotBinding binding) =>
            new(SecretKind.RecoveryKey, $"Recovery key for slot {binding.SlotId}");

        public SecureBuffer Unwrap(JsonObject parameters, SlotBinding binding, ReadOnlySpan<byte> secret) =>
            SlotKeyWrap.Unwrap(SHA256.HashData(secret), parameters, binding);
    }

    /// <summary>Answers password and recovery-key requests with fixed secrets, counting password reads.</summary>
    private sealed class KindSecrets(string? password, string? recovery) : ISecretSource
    {
        public int PasswordReads { get; private set; }

        public bool IsInteractive => false;

        public SecureBuffer? TryRead(SecretRequest request)
        {
            if (request.Kind == SecretKind.Password)
            {
                PasswordReads++;
            }

            var value = request.Kind switch
            {
                SecretKind.Password => password,
                SecretKind.RecoveryKey => recovery,
                _ => null,
            };
            return value is null ? null : SecureBuffer.CopyOf(System.Text.Encoding.UTF8.GetBytes(value));
        }
    }
}
