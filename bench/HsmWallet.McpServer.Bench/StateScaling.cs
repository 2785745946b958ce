using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Text.Json.Nodes;
using HsmWallet.Core.State;
using HsmWallet.Core.Unlocking.Lockout;
using HsmWallet.Hosting.State.Postgres;
using HsmWallet.McpServer.Composition;
using HsmWallet.McpServer.Pipeline;
using HsmWallet.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

/// <summary>
/// Issue 19's figures, in one run on one private PostgreSQL: signatures per second with one, two and three server
/// instances (in-process hosts, each on its own copy of one key-file home, all on one database; agents each on their
/// own wallet, spread over the instances), rounds interleaved 1,2,3,3,2,1 so the machine's drift falls on all; and
/// the tx_sign round trip of one instance on the file backend against the same on PostgreSQL, interleaved call by call.
/// </summary>
internal static class StateScaling
{
    private const string Destination = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe";

    private static readonly TierLimit Open = new(1_000_000, TimeSpan.FromSeconds(1), 1_000_000);

    private static readonly RateLimitSettings Unlimited = new(Open, Open, Open);

    public static async Task RunAsync(int agents, int seconds, int latencySamples)
    {
        using var postgres = new PostgresInstance();
        var connection = MigratedDatabase(postgres);

        var home = NewHomeWithWallets(agents);
        // Each copy gets an audit chain of its own as docs/deployment.md says (the audit folder left behind, then
        // `state reseal`): copies sharing one chain are refused as a second writer of it.
        using var resealStore = new PostgresStateStore(PostgresStateStore.CreateDataSource(connection));
        var homes = new[] { home, CopyOfHome(home, resealStore), CopyOfHome(home, resealStore) };
        var sequences = new int[agents];
        Array.Fill(sequences, 1);
        var throughput = new Dictionary<int, List<double>> { [1] = [], [2] = [], [3] = [] };
        // A first round warms the code paths and the database's caches; it is not counted.
        _ = await SignaturesPerSecondAsync(connection, homes, 3, agents, sequences, seconds);
        foreach (var instances in new[] { 1, 2, 3, 3, 2, 1 })
        {
            throughput[instances].Add(await SignaturesPerSecondAsync(connection, homes, instances, agents, sequences, seconds));
        }

        foreach (var (instances, samples) in throughput)
        {
            Console.WriteLine(FormattableString.Invariant($"{$"signatures/s, {instances} instance(s) on one PostgreSQL, {agents} agents",-62} rounds {string.Join(" ", samples.Select(value => value.ToString("F1", CultureInfo.InvariantCulture)))}  mean {samples.Average(),7:F1}"));
        }

        Console.WriteLine(FormattableString.Invariant($"{"  ratio three instances / one",-62} {throughput[3].Average() / throughput[1].Average():F2}"));

        // Another vault's state on its own database: a store sealed by one vault refuses every other (as it should).
        var (files, database, roundTrips) = await LatencyAsync(MigratedDatabase(postgres), latencySamples);
        files.Sort();
        database.Sort();
        Console.WriteLine(FormattableString.Invariant($"{"tx_sign round trip, file backend (ms)",-62} n={files.Count,4}  median {files[files.Count / 2],8:F2}"));
        Console.WriteLine(FormattableString.Invariant($"{"tx_sign round trip, PostgreSQL backend (ms)",-62} n={database.Count,4}  median {database[database.Count / 2],8:F2}"));
        Console.WriteLine(FormattableString.Invariant($"{"  PostgreSQL minus files, medians (ms)",-62} {database[database.Count / 2] - files[files.Count / 2]:F2}"));
        Console.WriteLine(FormattableString.Invariant($"{"  requests to PostgreSQL per tx_sign",-62} {roundTrips:F1}"));
    }

    private static string MigratedDatabase(PostgresInstance postgres)
    {
        var connection = postgres.ConnectionString(postgres.CreateDatabase());
        using var migrate = new PostgresStateStore(PostgresStateStore.CreateDataSource(connection));
        PostgresMigrations.Migrate(migrate);
        new LockoutGuard(migrate).Initialize();
        return connection;
    }

    private static async Task<double> SignaturesPerSecondAsync(string connection, string[] homes, int instanceCount, int agents, int[] sequences, int seconds)
    {
        var hosts = new List<Instance>();
        try
        {
            for (var i = 0; i < instanceCount; i++)
            {
                hosts.Add(await Instance.StartAsync(homes[i], new PostgresStateStore(PostgresStateStore.CreateDataSource(connection))));
            }

            var stop = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
            var counts = new int[agents];
            await Task.WhenAll(Enumerable.Range(0, agents).Select(agent => Task.Run(async () =>
            {
                var instance = hosts[agent % instanceCount];
                while (DateTime.UtcNow < stop)
                {
                    await instance.SignAsync("agent" + agent, sequences[agent]++);
                    counts[agent]++;
                }
            })));
            return counts.Sum() / (double)seconds;
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    private static async Task<(List<double> Files, List<double> Database, double RoundTrips)> LatencyAsync(string connection, int count)
    {
        var filesHome = NewHomeWithWallets(1);
        var databaseHome = CopyOfHome(filesHome);
        var store = new PostgresStateStore(PostgresStateStore.CreateDataSource(connection));
        await using var onFiles = await Instance.StartAsync(filesHome, null);
        await using var onDatabase = await Instance.StartAsync(databaseHome, store);
        long roundTripsBefore = 0;
        var files = new List<double>();
        var database = new List<double>();
        var sequence = 100_000;
        for (var i = 0; i < count + 5; i++)
        {
            sequence++;
            if (i == 5)
            {
                roundTripsBefore = store.RoundTrips;
            }

            var clock = Stopwatch.StartNew();
            await onFiles.SignAsync("agent0", sequence);
            var fileElapsed = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            await onDatabase.SignAsync("agent0", sequence);
            var databaseElapsed = clock.Elapsed.TotalMilliseconds;
            if (i >= 5)
            {
                files.Add(fileElapsed);
                database.Add(databaseElapsed);
            }
        }

        return (files, database, (store.RoundTrips - roundTripsBefore) / (double)count);
    }

    // A key-file home (the zero-configuration start) with one wallet per agent.
    private static string NewHomeWithWallets(int wallets)
    {
        var home = Directory.CreateTempSubdirectory("hsmwallet-state-bench-").FullName;
        Scratch.Folders.Add(home);
        File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Task.Run(async () =>
        {
            await using var instance = await Instance.StartAsync(home, null);
            for (var i = 0; i < wallets; i++)
            {
                await instance.CallAsync("wallet_create", new Dictionary<string, object?> { ["name"] = "agent" + i.ToString(CultureInfo.InvariantCulture) });
            }
        }).GetAwaiter().GetResult();
        return home;
    }

    // A copy for another instance; with a shared store, with a new audit chain (the operator's `state reseal` on a copy without audit/).
    private static string CopyOfHome(string home, IStateStore? shared = null)
    {
        var copy = Directory.CreateTempSubdirectory("hsmwallet-state-bench-").FullName;
        Scratch.Folders.Add(copy);
        File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (shared is null)
        {
            HomeCopy.Copy(home, copy, "state", "approvals");
            return copy;
        }

        HomeCopy.Copy(home, copy, "state", "approvals", "audit");
        var actor = new HsmWallet.Core.Audit.AuditActor(HsmWallet.Core.Audit.AuditActorType.User, "bench");
        using var app = HsmWallet.Hosting.Application.WalletApplication.Open(new HsmWallet.Hosting.Application.ApplicationOptions
        {
            Settings = HsmWallet.Hosting.HostSettings.Resolve(copy, "testnet", null, _ => null),
            Secrets = new HsmWallet.Core.Secrets.Sources.SecretOptions { AllowPrompt = false, GetEnvironment = _ => null },
            Actor = actor,
            StateStore = shared,
        });
        app.ResealState(new HsmWallet.Core.Signing.OperationContext("bench-copy", actor, "hsmwallet state reseal"));
        return copy;
    }

    /// <summary>One in-process hsmwallet-mcp host and its SDK client over pipes.</summary>
    private sealed class Instance : IAsyncDisposable
    {
        private readonly IDisposable _host;
        private readonly Func<Task> _stop;
        private readonly McpClient _client;
        private readonly ToolPipeline _pipeline;

        private Instance(IDisposable host, Func<Task> stop, McpClient client, ToolPipeline pipeline)
        {
            _host = host;
            _stop = stop;
            _client = client;
            _pipeline = pipeline;
        }

        public static async Task<Instance> StartAsync(string home, IStateStore? store)
        {
            var clientToServer = new Pipe();
            var serverToClient = new Pipe();
            var host = ServerHost.Build(new ServerHost.Parts
            {
                // The rate tiers are the operator's per instance (at most 10 a second through the options); the bench sets
                // them out of the way to measure what the signing path and the shared store allow.
                Options = new ServerOptions { HomePath = home, Network = HsmWallet.Core.Ledger.LedgerNetwork.Testnet, StateStore = store, RateLimits = Unlimited },
                Input = clientToServer.Reader.AsStream(),
                Output = serverToClient.Writer.AsStream(),
                Error = TextWriter.Null,
            });
            await host.StartAsync();
            var client = await McpClient.CreateAsync(new StreamClientTransport(clientToServer.Writer.AsStream(), serverToClient.Reader.AsStream()));
            return new Instance(host, () => host.StopAsync(), client, host.Services.GetRequiredService<ToolPipeline>());
        }

        public Task SignAsync(string wallet, int sequence) => CallAsync("tx_sign", new Dictionary<string, object?>
        {
            ["wallet"] = wallet,
            ["autofill"] = false,
            ["tx"] = JsonNode.Parse($$"""{"TransactionType":"Payment","Destination":"{{Destination}}","Amount":"1000","Fee":"12","Sequence":{{sequence}}}"""),
        });

        public async Task CallAsync(string tool, Dictionary<string, object?> arguments)
        {
            var result = await _client.CallToolAsync(tool, arguments);
            if (result.IsError == true)
            {
                throw new InvalidOperationException(tool + ": " + string.Concat(result.Content.OfType<TextContentBlock>().Select(block => block.Text)));
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _client.DisposeAsync();
            await _stop();
            _host.Dispose();
        }
    }
}
