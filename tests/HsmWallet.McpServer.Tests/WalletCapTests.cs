using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Vault;
using HsmWallet.KeyProviders;
using HsmWallet.McpServer.Tests.Support;

namespace HsmWallet.McpServer.Tests;

/// <summary>The agent cannot make the vault unreadable: wallet_create stops at the operator's cap, and the vault stays as it was.</summary>
public sealed class WalletCapTests
{
    [Fact]
    public async Task Wallet_create_past_the_cap_is_refused_naming_the_limit_and_leaves_the_vault_unchanged()
    {
        await using var server = await TestServer.StartAsync(new TestServerSetup
        {
            Prepare = home =>
            {
                TestServer.CreateKeyFileVault(home);
                new WalletVault(WalletHome.At(home), StandardKeyProviders.CreateRegistry())
                    .Update(new UnlockOptions(SecretSourceChain.ForHost(new SecretOptions { AllowPrompt = false })), vault =>
                    {
                        vault.SetWalletLimit(2);
                        return true;
                    });
            },
        });
        await server.OkAsync("wallet_create", new { name = "one" });
        await server.OkAsync("wallet_create", new { name = "two" });
        var vaultPath = Path.Combine(server.Home, "vault.json");
        var before = File.ReadAllBytes(vaultPath);

        var refused = await server.ErrorAsync("wallet_create", new { name = "three" }, "invalid_input");

        var message = refused["message"]!.GetValue<string>();
        Assert.StartsWith("wallets:", message, StringComparison.Ordinal);
        Assert.Contains("limit is 2", message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(vaultPath));
        Assert.Equal(2, (await server.OkAsync("wallet_list"))["wallets"]!.AsArray().Count);
    }
}
