using HsmWallet.Core;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Vault;
using HsmWallet.KeyProviders.Password;

namespace HsmWallet.KeyProviders.Tests.Password;

public sealed class PasswordUnlockerTests : IDisposable
{
    private static readonly WalletDescription Wallet = new("main", "secp256k1", "mainnet", "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe", "02" + new string('C', 64));
    private readonly TemporaryDirectory _directory = new();
    private readonly WalletHome _home;

    public PasswordUnlockerTests() => _home = WalletHome.At(_directory.Combine("home"));

    public void Dispose() => _directory.Dispose();

    private static UnlockOptions With(string password) => new(ScriptedSecrets.Password(password));

    private WalletVault NewVault(CountingArgon2? argon2 = null, TimeProvider? clock = null) =>
        new(_home, StandardKeyProviders.CreateRegistry(argon2), clock);

    [Fact]
    public void A_password_slot_opens_the_vault_and_holds_mainnet_wallets()
    {
        var vault = NewVault();
        vault.Create(ScriptedSecrets.Password("a long password"), new PasswordKeyProvider(TestCosts.Small));

        vault.AddWallet(With("a long password"), Wallet, [9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6]);

        var secret = vault.WithWalletSecret(With("a long password"), "main", (bytes, _) => bytes.ToArray());
        Assert.Equal([9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6], secret);
    }

    [Fact]
    public void The_slot_stores_its_argon2_costs_and_a_32_byte_salt_but_nothing_of_the_password()
    {
        var vault = NewVault();
        var slot = vault.Create(ScriptedSecrets.Password("a long password"), new PasswordKeyProvider(TestCosts.Small)).Single().Slot;

        Assert.Equal("password", slot.Kind);
        Assert.Equal("argon2id", slot.Parameters["kdf"]!.GetValue<string>());
        Assert.Equal(8192, slot.Parameters["memoryKib"]!.GetValue<int>());
        Assert.Equal(1, slot.Parameters["iterations"]!.GetValue<int>());
        Assert.Equal(1, slot.Parameters["parallelism"]!.GetValue<int>());
        Assert.Equal(32, Convert.FromBase64String(slot.Parameters["salt"]!.GetValue<string>()).Length);
        Assert.DoesNotContain("a long password", File.ReadAllText(_home.VaultPath), StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_password_is_a_clear_error_and_nothing_is_written_to_the_vault()
    {
        var vault = NewVault();
        vault.Create(ScriptedSecrets.Password("a long password"), new PasswordKeyProvider(TestCosts.Small));
        var before = File.ReadAllBytes(_home.VaultPath);

        var error = Assert.Throws<UnlockFailedException>(() => vault.AddWallet(With("not the password"), Wallet, new byte[16]));

        Assert.Equal(UnlockFailureReason.WrongSecret, error.Reason);
        Assert.Equal("slot 1 (password): the secret does not open this slot; 4 tries left before password and PIN unlocking locks", error.Message);
        Assert.Equal(before, File.ReadAllBytes(_home.VaultPath));
    }

    [Fact]
    public void A_short_password_is_refused_at_enrolment()
    {
        var error = Assert.Throws<InvalidInputException>(() => NewVault().Create(ScriptedSecrets.Password("short"), new PasswordKeyProvider(TestCosts.Small)));
        Assert.Equal("password", error.Field);
        Assert.False(File.Exists(_home.VaultPath));
    }

    [Fact]
    public void The_sixth_wrong_password_is_refused_without_running_the_KDF_also_from_a_new_instance()
    {
        var start = new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);
        var clock = new ManualTimeProvider(start);
        NewVault(clock: clock).Create(ScriptedSecrets.Password("a long password"), new PasswordKeyProvider(TestCosts.Small));
        var argon2 = new CountingArgon2();
        var vault = NewVault(argon2, clock);
        for (var i = 0; i < 5; i++)
        {
            Assert.Throws<UnlockFailedException>(() => vault.TestSlot(With("wrong password " + i)));
        }

        Assert.Equal(5, argon2.Runs);
        var sixth = Assert.Throws<LockedOutException>(() => vault.TestSlot(With("wrong password 6")));
        var freshArgon2 = new CountingArgon2();
        var fromNewInstance = Assert.Throws<LockedOutException>(() => NewVault(freshArgon2, clock).TestSlot(With("a long password")));

        Assert.Equal(5, argon2.Runs);
        Assert.Equal(0, freshArgon2.Runs);
        Assert.Equal(start.AddMinutes(30), sixth.LockedUntil);
        Assert.Equal(start.AddMinutes(30), fromNewInstance.LockedUntil);

        clock.Now = start.AddMinutes(30);
        Assert.Equal(1, NewVault(freshArgon2, clock).TestSlot(With("a long password")).Id);
        Assert.Equal(1, freshArgon2.Runs);
    }
}
