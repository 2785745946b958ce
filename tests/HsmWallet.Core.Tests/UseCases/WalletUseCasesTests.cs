using HsmWallet.Core.Approvals;
using HsmWallet.Core.Tests.Signing;
using HsmWallet.Core.Tests.Unlocking;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.UseCases;
using HsmWallet.Core.Vault;

namespace HsmWallet.Core.Tests.UseCases;

public sealed class WalletUseCasesTests : IDisposable
{
    private readonly SigningHarness _harness = new();
    private readonly TemporaryDirectory _out = new();
    private readonly GrantingApprover _person = new();

    public void Dispose()
    {
        _harness.Dispose();
        _out.Dispose();
    }

    [Fact]
    public async Task An_export_opens_with_the_same_secret_and_holds_only_that_wallet()
    {
        var alice = _harness.CreateWallet("alice");
        _harness.CreateWallet("bob");
        var path = Path.Combine(_harness.Vault.Home.Root, "backups", "alice.backup.json");

        var export = await Export("alice", "alice.backup.json");

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
    public async Task An_export_asks_the_person_about_exactly_the_resolved_path_and_wallet()
    {
        var alice = _harness.CreateWallet("alice");

        var export = await Export("alice", "mine.json");

        var asked = Assert.Single(_person.Asked);
        Assert.Equal("wallet_export", asked.Operation);
        Assert.Contains(asked.Summary.Lines, line => line.Contains(export.Path, StringComparison.Ordinal));
        Assert.Equal(ApprovalBinding.For("wallet_export", new System.Text.Json.Nodes.JsonObject { ["wallet"] = alice.Address, ["path"] = export.Path }), asked.Binding);
    }

    [Fact]
    public async Task An_export_nobody_approved_writes_nothing_and_records_no_export()
    {
        _harness.CreateWallet("alice");
        var declining = new DecliningApprover();
        var entriesBefore = _harness.AuditLines().Count;

        var refused = await Assert.ThrowsAsync<ApprovalException>(() =>
            _harness.WalletUseCases.ExportAsync(new ExportRequest("alice", new BackupDestination.InBackupsFolder("x.json"), BackupProtection.ThisVaultsSlots), declining, SigningHarness.Context));

        Assert.Equal("approval_declined", refused.Code);
        Assert.Equal(1, declining.Calls);
        Assert.False(File.Exists(Path.Combine(_harness.Vault.Home.Root, "backups", "x.json")));
        Assert.Equal(entriesBefore, _harness.AuditLines().Count);
    }

    [Fact]
    public async Task A_grant_for_other_data_never_exports_or_deletes()
    {
        _harness.CreateWallet("alice");
        var bob = _harness.CreateWallet("bob");
        // A grant that a person really gave, but for deleting bob: it must not delete alice nor export anything.
        var replaying = new ReplayingApprover(ApprovalBinding.For("wallet_delete", new System.Text.Json.Nodes.JsonObject { ["wallet"] = bob.Address }));

        await Assert.ThrowsAsync<ApprovalException>(() => _harness.WalletUseCases.DeleteAsync("alice", nameOnly: false, null, replaying, SigningHarness.Context));
        await Assert.ThrowsAsync<ApprovalException>(() =>
            _harness.WalletUseCases.ExportAsync(new ExportRequest("alice", new BackupDestination.InBackupsFolder("x.json"), BackupProtection.ThisVaultsSlots), replaying, SigningHarness.Context));

        Assert.Equal(["alice", "bob"], _harness.Vault.ListWallets(SigningHarness.Unlock).Select(wallet => wallet.Name).Order(StringComparer.Ordinal));
        Assert.False(File.Exists(Path.Combine(_harness.Vault.Home.Root, "backups", "x.json")));
    }

    [Fact]
    public async Task An_export_never_replaces_a_file_and_takes_a_plain_name_never_a_path()
    {
        _harness.CreateWallet("alice");
        var backups = Path.Combine(_harness.Vault.Home.Root, "backups");
        Directory.CreateDirectory(backups, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var existing = Path.Combine(backups, "taken");
        File.WriteAllText(existing, "keep me");
        File.SetUnixFileMode(existing, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Equal("file_name", (await Assert.ThrowsAsync<InvalidInputException>(() => Export("alice", "taken"))).Field);
        Assert.Equal("file_name", Assert.Throws<InvalidInputException>(() => _harness.WalletUseCases.BackupPath("taken")).Field);
        foreach (var name in new[] { "../vault.json", "/tmp/x.json", "sub/x.json", "..", ".hidden", "a..b" })
        {
            Assert.Equal("file_name", (await Assert.ThrowsAsync<InvalidInputException>(() => Export("alice", name))).Field);
        }

        Assert.Empty(_person.Asked);
        Assert.Equal("keep me", File.ReadAllText(existing));
        Assert.Equal(["taken"], Directory.EnumerateFileSystemEntries(backups).Select(Path.GetFileName));
    }

    [Fact]
    public async Task The_default_backup_name_is_the_same_until_written_then_moves_to_the_next_free_one()
    {
        var alice = _harness.CreateWallet("alice");
        var day = new DateTimeOffset(2026, 12, 6, 23, 59, 59, TimeSpan.Zero);

        var first = _harness.WalletUseCases.DefaultBackupPath(alice, day);
        Assert.Equal(first, _harness.WalletUseCases.DefaultBackupPath(alice, day));
        Assert.Equal("alice-20261206.hsmwallet-backup.json", Path.GetFileName(first));
        await Export("alice", Path.GetFileName(first));

        Assert.Equal("alice-20261206-2.hsmwallet-backup.json", Path.GetFileName(_harness.WalletUseCases.DefaultBackupPath(alice, day)));
    }

    [Fact]
    public async Task A_deleted_wallet_is_gone_from_the_vault_and_from_the_directory()
    {
        _harness.CreateWallet("alice");

        await _harness.WalletUseCases.DeleteAsync("alice", nameOnly: false, null, _person, SigningHarness.Context);

        Assert.Equal("wallet_delete", Assert.Single(_person.Asked).Operation);
        Assert.Empty(_harness.Vault.ListWallets(SigningHarness.Unlock));
        Assert.Throws<InvalidInputException>(() => _harness.Wallets.Resolve("alice", SigningHarness.Unlock));
        Assert.Equal("wallet.delete", _harness.AuditLines()[^1]["eventType"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_name_only_lookup_never_selects_a_wallet_by_its_address()
    {
        var alice = _harness.CreateWallet("alice");

        var refused = await Assert.ThrowsAsync<InvalidInputException>(() => _harness.WalletUseCases.DeleteAsync(alice.Address, nameOnly: true, null, _person, SigningHarness.Context));

        Assert.Equal("name", refused.Field);
        Assert.Empty(_person.Asked);
        Assert.Single(_harness.Vault.ListWallets(SigningHarness.Unlock));
    }

    private Task<ExportResult> Export(string wallet, string fileName) =>
        _harness.WalletUseCases.ExportAsync(new ExportRequest(wallet, new BackupDestination.InBackupsFolder(fileName), BackupProtection.ThisVaultsSlots), _person, SigningHarness.Context);
}
