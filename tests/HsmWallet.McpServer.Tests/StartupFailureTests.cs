using HsmWallet.Core.Secrets;
using HsmWallet.KeyProviders.Password;
using HsmWallet.McpServer.Tests.Support;

namespace HsmWallet.McpServer.Tests;

/// <summary>
/// A home the server cannot use still gets an MCP session: initialize and tools/list work, and every tool call
/// answers server_unavailable with the reason and the fix, never "connection closed" and never a stack.
/// </summary>
public sealed class StartupFailureTests
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [Fact]
    public async Task A_vault_open_to_others_is_answered_per_tool_with_the_chmod_that_fixes_it()
    {
        await using var server = await TestServer.StartAsync(new TestServerSetup
        {
            Prepare = home =>
            {
                TestServer.CreateKeyFileVault(home);
                File.SetUnixFileMode(Path.Combine(home, "vault.json"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            },
        });
        Assert.Equal(HsmWallet.McpServer.Pipeline.ToolCatalog.Tools.Count, (await server.Client.ListToolsAsync()).Count);
        foreach (var tool in new[] { "wallet_list", "server_status", "audit_verify" })
        {
            var error = await server.ErrorAsync(tool, null, "server_unavailable");
            Assert.Contains("vault.json", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.StartsWith("chmod 600 ", error["fix"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.DoesNotContain(" at ", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        var create = await server.ErrorAsync("wallet_create", new { name = "alice" }, "server_unavailable");
        Assert.Contains("restart the server", create["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("chmod 600", server.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_home_open_to_others_is_answered_per_tool_with_chmod_700()
    {
        await using var server = await TestServer.StartAsync(new TestServerSetup
        {
            Prepare = home => File.SetUnixFileMode(home, Private | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute),
        });
        Assert.Equal(HsmWallet.McpServer.Pipeline.ToolCatalog.Tools.Count, (await server.Client.ListToolsAsync()).Count);
        var error = await server.ErrorAsync("wallet_list", null, "server_unavailable");
        Assert.StartsWith("chmod 700 ", error["fix"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(server.Home, "vault.json")));
    }

    [Fact]
    public async Task A_missing_vault_when_a_password_file_is_configured_is_not_replaced_by_a_new_one()
    {
        var passwordFile = SecretFiles.Write("a password for a vault that is not there");
        await using var server = await TestServer.StartAsync(new TestServerSetup
        {
            Options = options => options with { PasswordFile = passwordFile },
        });
        var error = await server.ErrorAsync("wallet_create", new { name = "alice" }, "server_unavailable");
        Assert.Contains("hsmwallet init", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(server.Home, "vault.json")));
    }

    [Fact]
    public async Task An_audit_folder_open_to_others_is_answered_per_tool()
    {
        var setupHome = string.Empty;
        await using var first = await TestServer.StartAsync(new TestServerSetup { Prepare = home => setupHome = home });
        await first.OkAsync("wallet_create", new { name = "alice" });
        await first.StopAsync();
        await using var server = await TestServer.StartAsync(new TestServerSetup
        {
            Prepare = home =>
            {
                CopyHome(setupHome, home);
                File.SetUnixFileMode(Path.Combine(home, "audit"), Private | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            },
        });
        var error = await server.ErrorAsync("audit_verify", null, "server_unavailable");
        Assert.StartsWith("audit: ", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("chmod 700", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_vault_locked_out_before_the_start_still_serves_and_each_call_says_until_when()
    {
        var password = SecretFiles.Write("the right password");
        var wrong = SecretFiles.Write("the wrong password");
        var lockedHome = string.Empty;
        await using (var first = await TestServer.StartAsync(new TestServerSetup
        {
            Prepare = home =>
            {
                lockedHome = home;
                SecretFiles.CreateVault(home, password, SecretKind.Password, new PasswordKeyProvider(new Argon2Parameters(8 * 1024, 1, 1)));
            },
            Options = options => options with { PasswordFile = wrong },
        }))
        {
            for (var attempt = 0; attempt < 10 && (await first.CallAsync("wallet_list")).Body["error"]!["code"]!.GetValue<string>() != "locked_out"; attempt++)
            {
            }

            await first.StopAsync();
            await using var server = await TestServer.StartAsync(new TestServerSetup
            {
                Prepare = home => CopyHome(lockedHome, home),
                Options = options => options with { PasswordFile = password },
            });
            Assert.Equal(HsmWallet.McpServer.Pipeline.ToolCatalog.Tools.Count, (await server.Client.ListToolsAsync()).Count);
            var error = await server.ErrorAsync("wallet_list", null, "locked_out");
            Assert.True(DateTimeOffset.Parse(error["locked_until"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow);
            Assert.True((await server.OkAsync("server_status"))["lockout"]!["locked"]!.GetValue<bool>());
        }
    }

    private static void CopyHome(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!, Private);
            File.Copy(file, target, overwrite: true);
        }
    }
}
