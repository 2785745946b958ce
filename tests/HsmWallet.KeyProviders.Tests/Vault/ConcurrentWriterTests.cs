using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Vault;
using HsmWallet.KeyProviders.KeyFile;

namespace HsmWallet.KeyProviders.Tests.Vault;

public sealed class ConcurrentWriterTests : IDisposable
{
    private const int PerProcess = 15;
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Two_processes_adding_wallets_at_once_lose_none()
    {
        var home = WalletHome.At(_directory.Combine("home"));
        var vault = new WalletVault(home, StandardKeyProviders.CreateRegistry());
        vault.Create(new SecretSourceChain(), new KeyFileKeyProvider(home.DefaultKeyFilePath));

        using var first = TestHost.Start("add", home.Root, "a", PerProcess.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var second = TestHost.Start("add", home.Root, "b", PerProcess.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var firstError = first.StandardError.ReadToEndAsync();
        var secondError = second.StandardError.ReadToEndAsync();
        await first.WaitForExitAsync();
        await second.WaitForExitAsync();

        Assert.True(first.ExitCode == 0, await firstError);
        Assert.True(second.ExitCode == 0, await secondError);
        var names = vault.ListWallets(new UnlockOptions(new SecretSourceChain(new KeyFileSecretSource()))).Select(wallet => wallet.Name).ToHashSet();
        var expected = Enumerable.Range(0, PerProcess).SelectMany(i => new[] { $"a-{i}", $"b-{i}" }).ToHashSet();
        Assert.Equal(expected, names);
    }
}
