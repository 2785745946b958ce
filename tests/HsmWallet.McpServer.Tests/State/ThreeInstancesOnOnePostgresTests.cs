using System.Globalization;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Tests.Support;
using HsmWallet.Tests.Fixtures;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace HsmWallet.McpServer.Tests.State;

/// <summary>
/// Issue 19's promise, with real processes on a real PostgreSQL: three hsmwallet-mcp instances (three homes holding
/// copies of one vault, one database) and twenty agents at once. One Sequence gets one transaction whichever instance
/// is asked; an instance killed (SIGKILL) loses nothing it signed; the day's limit holds to the drop across the two left.
/// </summary>
public sealed class ThreeInstancesOnOnePostgresTests(PostgresInstance postgres) : IClassFixture<PostgresInstance>, IDisposable
{
    private const int Agents = 20;
    private readonly ScratchDirectory _scratch = new();
    private readonly List<McpClient> _clients = [];

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        _scratch.Dispose();
    }

    [Fact]
    public async Task Three_instances_and_twenty_agents_keep_one_Sequence_one_transaction_and_the_day_limit_and_a_killed_one_loses_nothing()
    {
        var database = postgres.CreateDatabase();
        var credential = Path.Combine(_scratch.Path, "state.pw");
        File.WriteAllText(credential, postgres.AppPassword);
        File.SetUnixFileMode(credential, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var state = new[] { "--state", postgres.Url(database), "--state-credential", credential };
        Assert.Equal(0, CliProcess.Run(null, ["state", "migrate", .. state]).ExitCode);

        // The first instance makes the vault (the zero-configuration key file) and the wallet; the others get copies.
        var homes = Enumerable.Range(0, 3).Select(index => Path.Combine(_scratch.Path, "home" + index.ToString(CultureInfo.InvariantCulture))).ToArray();
        var first = await StartAsync(homes[0], state);
        var wallet = await CallAsync(first, "wallet_create", new() { ["name"] = "team" });
        var address = wallet!["address"]!.GetValue<string>();
        // Each copy gets an audit chain of its own, as docs/deployment.md says: the audit folder left behind, then
        // `state reseal` on the copy (a copy that kept the first instance's chain would be refused as its second writer).
        foreach (var instanceHome in homes[1..])
        {
            HomeCopy.Copy(homes[0], instanceHome, "audit");
            Assert.Equal(0, CliProcess.Run(null, ["state", "reseal", "--home", instanceHome, "--network", "testnet", .. state]).ExitCode);
        }

        var servers = new[] { first, await StartAsync(homes[1], state), await StartAsync(homes[2], state) };

        // Twenty agents ask for twenty different transactions for one Sequence, spread over the three instances: one is signed.
        var contested = await Task.WhenAll(Enumerable.Range(0, Agents).Select(agent =>
            TrySignAsync(servers[agent % 3], Payment(address, drops: 1_000 + agent, sequence: 7))));
        var winner = Assert.Single(contested, outcome => outcome.Signed);
        Assert.All(contested.Where(outcome => !outcome.Signed), outcome => Assert.Equal("invalid_input", outcome.Code));

        // The instance that signed it, or any other, is killed outright: what was signed stays reserved for the others.
        var killed = Array.IndexOf(contested, winner) % 3;
        KillServer(homes[killed]);
        var alive = servers.Where((_, index) => index != killed).ToArray();
        var aliveHome = homes.Where((_, index) => index != killed).First();

        // A copy of a running instance's home made WITH its audit folder: the same chain, so once the original has
        // appended past it, the copy is refused from its start-up (never a second writer of that chain).
        var copied = Path.Combine(_scratch.Path, "copied-with-audit");
        HomeCopy.Copy(aliveHome, copied);
        foreach (var server in alive)
        {
            var again = await TrySignAsync(server, Payment(address, drops: 999_999, sequence: 7));
            Assert.False(again.Signed);
            Assert.Equal("invalid_input", again.Code);
        }

        // The day (testnet's 100,000 XRP, fees included): twenty agents pay 5,000 XRP each at once on the two left;
        // nineteen fit and the twentieth would pass the limit by 228 drops, so exactly nineteen are signed.
        var payments = await Task.WhenAll(Enumerable.Range(0, Agents).Select(agent =>
            TrySignAsync(alive[agent % 2], Payment(address, drops: 5_000_000_000, sequence: 100 + agent))));
        Assert.Equal(19, payments.Count(outcome => outcome.Signed));
        Assert.All(payments.Where(outcome => !outcome.Signed), outcome => Assert.Contains(outcome.Code, new[] { "policy_denied", "approval_required", "approval_pending" }));

        var copy = await StartAsync(copied, state);
        var refused = await copy.CallToolAsync("tx_sign", new Dictionary<string, object?> { ["wallet"] = "team", ["autofill"] = false, ["tx"] = Payment(address, drops: 1_000, sequence: 500) });
        var text = string.Concat(refused.Content.OfType<TextContentBlock>().Select(block => block.Text));
        Assert.True(refused.IsError);
        Assert.Equal("server_unavailable", JsonNode.Parse(text)?["error"]?["code"]?.GetValue<string>());
        Assert.Contains("another instance runs a copy of this home with its audit folder", text, StringComparison.Ordinal);
    }

    private static JsonObject Payment(string account, long drops, int sequence) => new()
    {
        ["TransactionType"] = "Payment",
        ["Account"] = account,
        ["Destination"] = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe",
        ["Amount"] = drops.ToString(CultureInfo.InvariantCulture),
        ["Fee"] = "12",
        ["Sequence"] = sequence,
    };

    private async Task<McpClient> StartAsync(string home, string[] state)
    {
        var options = new StdioClientTransportOptions
        {
            Name = "hsmwallet-mcp",
            Command = "dotnet",
            Arguments = [Path.Combine(AppContext.BaseDirectory, "hsmwallet-mcp.dll"), "--home", home, "--network", "testnet", "--rate-strict", "600/min,burst=40", "--rate-standard", "600/min,burst=40", .. state],
            EnvironmentVariables = new Dictionary<string, string?> { ["DOTNET_EnableDiagnostics"] = "0", ["HSMWALLET_HOME"] = null, ["HSMWALLET_NETWORK"] = null, ["HSMWALLET_RPC_URL"] = null, ["CREDENTIALS_DIRECTORY"] = null },
        };
        var client = await McpClient.CreateAsync(new StdioClientTransport(options));
        _clients.Add(client);
        return client;
    }

    private static async Task<JsonNode?> CallAsync(McpClient client, string tool, Dictionary<string, object?> arguments)
    {
        var result = await client.CallToolAsync(tool, arguments);
        var text = string.Concat(result.Content.OfType<TextContentBlock>().Select(block => block.Text));
        Assert.False(result.IsError == true, text);
        return JsonNode.Parse(text);
    }

    private static async Task<Outcome> TrySignAsync(McpClient client, JsonObject transaction)
    {
        var result = await client.CallToolAsync("tx_sign", new Dictionary<string, object?> { ["wallet"] = "team", ["autofill"] = false, ["tx"] = transaction });
        var body = JsonNode.Parse(string.Concat(result.Content.OfType<TextContentBlock>().Select(block => block.Text)));
        return result.IsError == true
            ? new Outcome(false, body?["error"]?["code"]?.GetValue<string>())
            : new Outcome(body?["tx_blob"] is not null, null);
    }

    // The server is the dotnet process whose command line names hsmwallet-mcp.dll and this home; SIGKILL, no goodbye.
    private static void KillServer(string home)
    {
        foreach (var folder in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var arguments = File.ReadAllText(Path.Combine(folder, "cmdline")).Split('\0');
                if (arguments.Any(argument => argument.EndsWith("hsmwallet-mcp.dll", StringComparison.Ordinal)) && arguments.Contains(home))
                {
                    using var process = System.Diagnostics.Process.GetProcessById(pid);
                    process.Kill();
                    process.WaitForExit(10_000);
                    return;
                }
            }
            catch (IOException)
            {
            }
        }

        Assert.Fail("no server process found for " + home);
    }

    private sealed record Outcome(bool Signed, string? Code);
}
