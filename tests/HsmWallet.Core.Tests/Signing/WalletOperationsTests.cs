using HsmWallet.Core.Tests.Unlocking;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Vault;

namespace HsmWallet.Core.Tests.Signing;

public sealed class WalletOperationsTests : IDisposable
{
    private readonly SigningHarness _harness = new();
    private readonly TemporaryDirectory _out = new();

    public void Dispose()
    {
        _harness.Dispose();
        _out.Dispose();
    }

    [Fact]
    public void An_export_opens_with_the_same_secret_and_holds_only_that_wallet()
    {
        var alice = _harness.CreateWallet("alice");
        _harness.CreateWallet("bob");
        var path = Path.Combine(_harness.Vault.Home.Root, "backups", "alice.backup.json");

        var export = _harness.Operations.Export("alice", "alice.backup.json", SigningHarness.Unlock, SigningHarness.Context);

        Assert.Equal(path, export.Path);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var restoredHome = Path.Combine(_out.Path, "restored");
        Directory.CreateDirectory(restoredHome, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.Copy(path, Path.Combine(restoredHome, "vault.json"));
        var registry = new KeyProviderRegistry();
        registry.Register("fake", () => new FakeKeyProvider());
        var restored = new WalletVault(WalletHome.At(restoredHome), registry);
        restored.Lockout.Initialize(); // what an operator's restore does for a home without state/
        var wallets = restored.ListWallets(SigningHarness.Unlock);
        Assert.Equal([alice.Address], wallets.Select(wallet => wallet.Address));
        Assert.Equal(64, export.Sha256.Length);
        Assert.Equal("wallet.export", _harness.AuditLines()[^1]["eventType"]!.GetValue<string>());
    }

    [Fact]
    public void An_export_never_replaces_a_file_and_takes_a_plain_name_never_a_path()
    {
        _harness.CreateWallet("alice");
        var backups = Path.Combine(_harness.Vault.Home.Root, "backups");
        Directory.CreateDirectory(backups, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var existing = Path.Combine(backups, "taken");
        File.WriteAllText(existing, "keep me");
        File.SetUnixFileMode(existing, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Equal("file_name", Assert.Throws<InvalidInputException>(() => _harness.Operations.Export("alice", "taken", SigningHarness.Unlock, SigningHarness.Context)).Field);
        Assert.Equal("file_name", Assert.Throws<InvalidInputException>(() => _harness.Operations.BackupPath("taken")).Field);
        foreach (var name in new[] { "../vault.json", "/tmp/x.json", "sub/x.json", "..", ".hidden", "a..b" })
        {
            Assert.Equal("file_name", Assert.Throws<InvalidInputException>(() => _harness.Operations.Export("alice", name, SigningHarness.Unlock, SigningHarness.Context)).Field);
        }

        Assert.Equal("keep me", File.ReadAllText(existing));
        Assert.Equal(["taken"], Directory.EnumerateFileSystemEntries(backups).Select(Path.GetFileName));
    }

    [Fact]
    public void The_default_backup_name_is_the_same_until_written_then_moves_to_the_next_free_one()
    {
        var alice = _harness.CreateWallet("alice");
        var day = new DateTimeOffset(2026, 12, 6, 23, 59, 59, TimeSpan.Zero);

        var first = _harness.Operations.DefaultBackupPath(alice, day);
        Assert.Equal(first, _harness.Operations.DefaultBackupPath(alice, day));
        Assert.Equal("alice-20261206.hsmwallet-backup.json", Path.GetFileName(first));
        _harness.Operations.Export("alice", Path.GetFileName(first), SigningHarness.Unlock, SigningHarness.Context);

        Assert.Equal("alice-20261206-2.hsmwallet-backup.json", Path.GetFileName(_harness.Operations.DefaultBackupPath(alice, day)));
    }

    [Fact]
    public void A_deleted_wallet_is_gone_from_the_vault_and_from_the_directory()
    {
        _harness.CreateWallet("alice");

        _harness.Operations.Delete("alice", SigningHarness.Unlock, SigningHarness.Context);

        Assert.Empty(_harness.Vault.ListWallets(SigningHarness.Unlock));
        Assert.Throws<InvalidInputException>(() => _harness.Wallets.Resolve("alice", SigningHarness.Unlock));
        Assert.Equal("wallet.delete", _harness.AuditLines()[^1]["eventType"]!.GetValue<string>());
    }
}
