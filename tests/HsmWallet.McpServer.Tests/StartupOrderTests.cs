using HsmWallet.McpServer.Tests.Support;

namespace HsmWallet.McpServer.Tests;

/// <summary>
/// The start-up (zero-configuration vault, first unlock) never stands between the client and its first tools/list
/// (issue 20): it begins after that answer, or at the first tool call, which waits for it; a failing start-up still
/// refuses that first call. (The timer that starts an idle server's start-up is off in these tests.)
/// </summary>
public sealed class StartupOrderTests
{
    [Fact]
    public async Task Initialize_and_tools_list_are_answered_before_the_start_up_unlocks_anything()
    {
        await using var server = await TestServer.StartAsync(new TestServerSetup { AwaitStartup = false });

        // The client is initialized: nothing was unlocked or created for it.
        Assert.False(server.Startup.Begun);
        Assert.False(File.Exists(Path.Combine(server.Home, "vault.json")));
        Assert.Equal(0, server.Unlocks.Unwraps);

        Assert.Equal(HsmWallet.McpServer.Pipeline.ToolCatalog.Tools.Count, (await server.Client.ListToolsAsync()).Count);
        Assert.Equal(0, server.Unlocks.Unwraps);

        // The start-up follows the answer; the first tool call waits for it and works on the vault it made.
        var created = await server.OkAsync("wallet_create", new { name = "alice" });
        Assert.Equal("alice", created["name"]!.GetValue<string>());
        Assert.True(server.Startup.Ready.IsCompletedSuccessfully);
        Assert.True(File.Exists(Path.Combine(server.Home, "vault.json")));
        Assert.True(server.Unlocks.Unwraps > 0);
    }

    [Fact]
    public async Task A_first_call_before_any_tools_list_waits_for_the_start_up_and_its_failure_refuses_the_call()
    {
        var passwordFile = SecretFiles.Write("a password for a vault that is not there");
        await using var server = await TestServer.StartAsync(new TestServerSetup
        {
            AwaitStartup = false,
            Options = options => options with { PasswordFile = passwordFile },
        });
        Assert.False(server.Startup.Begun);

        // No tools/list: the call itself begins the start-up, and is refused by what it found (no vault), not let through.
        var error = await server.ErrorAsync("wallet_list", null, "server_unavailable");
        Assert.Contains("hsmwallet init", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        await server.ErrorAsync("wallet_create", new { name = "alice" }, "server_unavailable");
        Assert.False(File.Exists(Path.Combine(server.Home, "vault.json")));
    }
}
