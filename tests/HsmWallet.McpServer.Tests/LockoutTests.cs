using HsmWallet.Core.Secrets;
using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Vault;
using HsmWallet.KeyProviders;
using HsmWallet.KeyProviders.KeyFile;
using HsmWallet.KeyProviders.Password;
using HsmWallet.McpServer.Tests.Support;

namespace HsmWallet.McpServer.Tests;

/// <summary>The lockout as an MCP client sees it: a count down in every unlock_failed, and a server whose slot cannot be guessed keeps working.</summary>
public sealed class LockoutTests
{
    private static readonly Argon2Parameters Cheap = new(8 * 1024, 1, 1);

    [Fact]
    public async Task Every_unlock_failed_carries_tries_left_counting_down_to_the_lockout()
    {
        var password = SecretFiles.Write("the right password");
        var wrong = SecretFiles.Write("the wrong password");
        await using var server = await TestServer.StartAsync(new TestServerSetup
        {
            Prepare = home => SecretFiles.CreateVault(home, password, SecretKind.Password, new PasswordKeyProvider(Cheap)),
            Options = options => options with { PasswordFile = wrong },
        });

        var left = new List<int>();
        while (true)
        {
            var (isError, body) = await server.CallAsync("wallet_list");
            Assert.True(isError);
            var error = body["error"]!.AsObject();
            if (error["code"]!.GetValue<string>() == "locked_out")
            {
                break;
            }

            Assert.Equal("unlock_failed", error["code"]!.GetValue<string>());
            left.Add(error["tries_left"]!.GetValue<int>());
            Assert.Contains(left[^1] == 0 ? "locked out until" : "left before unlocking locks", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.True(left.Count <= 5);
        }

        Assert.Equal(0, left[^1]);
        Assert.Equal(Enumerable.Range(0, left.Count).Select(i => left[0] - i), left);
    }

    [Fact]
    public async Task A_server_on_a_key_file_works_while_passwords_are_locked_out_and_never_lifts_the_lock()
    {
        var password = SecretFiles.Write("the right password");
        var wrong = SecretFiles.Write("the wrong password");
        await using var server = await TestServer.StartAsync(new TestServerSetup
        {
            Prepare = home =>
            {
                // A key-file slot (the server's) and a password slot, whose password an attacker has guessed five times.
                var vault = new WalletVault(WalletHome.At(home), StandardKeyProviders.CreateRegistry());
                vault.Create(new SecretFileSource(password, SecretKind.Password), new KeyFileKeyProvider(Path.Combine(home, "vault.key")), new PasswordKeyProvider(Cheap));
                for (var i = 0; i < 5; i++)
                {
                    Assert.Throws<UnlockFailedException>(() => vault.TestSlot(new UnlockOptions(new SecretFileSource(wrong, SecretKind.Password), 2)));
                }

                Assert.NotNull(vault.Lockout.LockedUntil());
            },
        });

        var created = await server.OkAsync("wallet_create", new { name = "payer" });
        var listed = await server.OkAsync("wallet_list");
        var status = await server.OkAsync("server_status");

        Assert.Equal("payer", created["name"]!.GetValue<string>());
        Assert.NotNull(listed["wallets"]);
        Assert.True(status["lockout"]!["locked"]!.GetValue<bool>());
    }
}
