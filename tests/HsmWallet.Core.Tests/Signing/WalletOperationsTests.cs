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
        var path = Path.Combine(_out.Path, "alice.backup.json");

        var export = _harness.Operations.Export("alice", path, SigningHarness.Unlock, SigningHarness.Context);

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
    public void An_export_never_overwrites_a_file_and_needs_an_absolute_path()
    {
        _harness.CreateWallet("alice");
        var existing = Path.Combine(_out.Path, "taken");
        File.WriteAllText(existing, "keep me");

        Assert.Equal("out_path", Assert.Throws<InvalidInputException>(() => _harness.Operations.Export("alice", existing, SigningHarness.Unlock, SigningHarness.Context)).Field);
        Assert.Equal("out_path", Assert.Throws<InvalidInputException>(() => _harness.Operations.Export("alice", "relative.json", SigningHarness.Unlock, SigningHarness.Context)).Field);
        Assert.Equal("keep me", File.ReadAllText(existing));
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
