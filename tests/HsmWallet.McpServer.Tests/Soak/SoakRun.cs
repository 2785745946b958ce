using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Tests.Support;
using HsmWallet.Core.Tests.Fixtures;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Codec;
using HsmWallet.McpServer.Tests.Support;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace HsmWallet.McpServer.Tests.Soak;

/// <summary>
/// The soak (issue 21, part 3): the real hsmwallet-mcp process, spawned over stdio by the MCP SDK's client, under a
/// mixed flood of calls for a bounded time (read tools, signatures, refusals by policy, re-signings of a Sequence
/// with other content, approvals asked and answered through `hsmwallet approve`) while the loopback rippled
/// stand-in answers slowly, returns errors, drops connections and restarts. It records what every call returned
/// and samples the server's memory from /proc; <see cref="Check"/> then states each invariant.
/// </summary>
public sealed class SoakRun
{
    // The per-wallet daily limit of "limited": low enough that the flood reaches it within seconds.
    private const decimal LimitedDailyXrp = 25;
    private const decimal MaxPerTransactionXrp = 50;
    private const int Workers = 4;

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(120);

    private readonly TimeSpan _duration;
    private readonly Random _random;
    private readonly Action<string> _log;
    private readonly ConcurrentDictionary<string, int> _outcomes = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<Signature> _signatures = [];
    private readonly ConcurrentBag<string> _violations = [];
    private readonly ConcurrentQueue<string> _serverErrors = new();
    private readonly List<(TimeSpan At, long RssKiB)> _memory = [];
    private readonly Channel<(string Id, Dictionary<string, object?> Arguments)> _approvals = new();
    private readonly string[] _known = [.. Enumerable.Range(1, 3).Select(_ => RandomAddress())];
    private readonly string _blocked = RandomAddress();
    private string _home = string.Empty;
    private readonly Dictionary<string, string> _addresses = new(StringComparer.Ordinal);
    private int _calls;
    private int _freshSequence = 1;
    private int _limitedSequence = 1;
    private int _limitedReached;
    private RippledStandIn? _ledger;
    private int _approved;
    private int _denied;
    private int _clientFailures;

    /// <summary>A run of <paramref name="duration"/>; <paramref name="seed"/> makes the mix and the ledger's faults repeatable.</summary>
    public SoakRun(TimeSpan duration, int seed, Action<string> log)
    {
        _duration = duration;
        _random = new Random(seed);
        Seed = seed;
        _log = log;
    }

    /// <summary>The seed of the mix and of the ledger's faults.</summary>
    public int Seed { get; }

    /// <summary>The report lines, ready once <see cref="RunAsync"/> returned.</summary>
    public List<string> Report { get; } = [];

    /// <summary>Every invariant broken, in words (empty when the run held).</summary>
    public IReadOnlyCollection<string> Violations => _violations;

    /// <summary>Sets up a home, runs the flood against the failing ledger, stops the server and checks the invariants.</summary>
    public async Task RunAsync()
    {
        _home = Directory.CreateTempSubdirectory("hsmwallet-soak-").FullName;
        File.SetUnixFileMode(_home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            await using var ledger = RippledStandIn.Start(TimeSpan.FromSeconds(1));
            _ledger = ledger;
            await SetUpAsync(ledger);
            await FloodAsync(ledger);
            Check(ledger);
        }
        finally
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    private static string RandomAddress()
    {
        var bytes = new byte[20];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        return AccountId.FromBytes(bytes).ToClassicAddress();
    }

    // The wallets are made by a first server, the policy names them, and the measured server starts on that home.
    private async Task SetUpAsync(RippledStandIn ledger)
    {
        TestServer.CreateKeyFileVault(_home);
        await using (var setup = await StartAsync(ledger))
        {
            foreach (var name in new[] { "payer", "limited", "fresh" })
            {
                var created = await CallAsync(setup.Client, "wallet_create", new() { ["name"] = name });
                _addresses[name] = created.Body["address"]!.GetValue<string>();
                ledger.Fund(AccountId.ParseClassic(_addresses[name], "address"), 10_000_000_000);
            }
        }

        TestServer.SetPolicy(_home, $$$"""
            {"version":1,"networks":{"testnet":{
              "default":{"max_per_transaction":{"XRP":"{{{MaxPerTransactionXrp}}}"},"max_daily_volume":{"XRP":"1000000"},
                "destination_blocklist":["{{{_blocked}}}"],"new_destination_requires_approval":true},
              "wallets":{
                "{{{_addresses["payer"]}}}":{"max_per_transaction":{"XRP":"{{{MaxPerTransactionXrp}}}"},"max_daily_volume":{"XRP":"1000000"},
                  "destination_blocklist":["{{{_blocked}}}"],"new_destination_requires_approval":false},
                "{{{_addresses["limited"]}}}":{"max_per_transaction":{"XRP":"{{{MaxPerTransactionXrp}}}"},"max_daily_volume":{"XRP":"{{{LimitedDailyXrp}}}"},
                  "destination_blocklist":["{{{_blocked}}}"],"new_destination_requires_approval":false}
              }
            }}
            }
            """);
    }

    private async Task<Server> StartAsync(RippledStandIn ledger)
    {
        string? previous = null;
        var options = new StdioClientTransportOptions
        {
            Name = "hsmwallet-mcp",
            Command = "dotnet",
            Arguments =
            [
                Path.Combine(AppContext.BaseDirectory, "hsmwallet-mcp.dll"), "--home", _home, "--network", "testnet", "--rpc-url", ledger.HttpUri.ToString(),
                // The flood is bounded by the tiers too: at most 10 calls a second per tier (the highest the server accepts).
                "--rate-standard", "600/min,burst=20", "--rate-strict", "600/min,burst=20",
            ],
            // Without the diagnostics port from the start, so the process is not replaced (same PID either way).
            EnvironmentVariables = new Dictionary<string, string?> { ["DOTNET_EnableDiagnostics"] = "0", ["HSMWALLET_HOME"] = null, ["HSMWALLET_NETWORK"] = null, ["HSMWALLET_RPC_URL"] = null },
            StandardErrorLines = line =>
            {
                var stack = line.Contains("   at ", StringComparison.Ordinal);
                if (stack && previous is { } header && !previous.Contains("   at ", StringComparison.Ordinal))
                {
                    // The line above a stack trace says what was thrown and where the server logged it.
                    _serverErrors.Enqueue(header);
                }

                if (line.Contains(" ERR", StringComparison.Ordinal) || stack || line.Contains("Unhandled", StringComparison.Ordinal))
                {
                    _serverErrors.Enqueue(line);
                }

                previous = line;
            },
        };
        var client = await McpClient.CreateAsync(new StdioClientTransport(options));
        return new Server(client, FindServerProcess());
    }

    // The server is the dotnet process whose command line names hsmwallet-mcp.dll and this run's home.
    private int FindServerProcess()
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
                if (arguments.Any(argument => argument.EndsWith("hsmwallet-mcp.dll", StringComparison.Ordinal)) && arguments.Contains(_home))
                {
                    return pid;
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        throw new InvalidOperationException("the hsmwallet-mcp process was not found in /proc");
    }

    private async Task FloodAsync(RippledStandIn ledger)
    {
        await using var server = await StartAsync(ledger);

        // The policy is in force, or the limits checked below would prove nothing: over a limit needs a human, the
        // blocked destination is denied.
        foreach (var wallet in new[] { "payer", "limited" })
        {
            foreach (var (tx, expected) in new[] { (Payment(_known[0], (long)(MaxPerTransactionXrp * 1_000_000) + 1), "approve"), (Payment(_blocked, 1_000), "deny") })
            {
                var check = await CallAsync(server.Client, "policy_check", new() { ["wallet"] = wallet, ["tx"] = tx });
                if (check.Body["decision"]?.GetValue<string>() != expected)
                {
                    _violations.Add($"the soak's policy is not in force for {wallet}: {check.Body.ToJsonString()}");
                }
            }
        }

        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(_duration);
        var tasks = new List<Task>
        {
            SampleMemoryAsync(server.Pid, clock, stop.Token),
            FailLedgerAsync(ledger, stop.Token),
            ApproveAsync(server.Client, stop.Token),
        };
        for (var worker = 0; worker < Workers; worker++)
        {
            var random = new Random(_random.Next());
            tasks.Add(Task.Run(() => WorkAsync(server.Client, random, stop.Token)));
        }

        await Task.WhenAll(tasks);
        ledger.Faults = null;

        // Still up after the flood: its process exists and it answers.
        var alive = File.Exists($"/proc/{server.Pid}/status");
        var status = alive ? await CallAsync(server.Client, "server_status", []) : default;
        if (!alive || status.IsError)
        {
            _violations.Add("the server did not stay up: " + (alive ? status.Body.ToJsonString() : "its process is gone"));
        }

        var peakHwm = alive ? ReadStatusKiB(server.Pid, "VmHWM") : 0;
        Report.Add(string.Create(CultureInfo.InvariantCulture, $"soak: {_duration.TotalSeconds:0} s (seed {Seed}), {_calls} calls served ({_calls / _duration.TotalSeconds:0.0}/s), server up to the end: {(alive && !status.IsError ? "yes" : "NO")}"));
        ReportMemory(peakHwm);
    }

    private async Task WorkAsync(McpClient client, Random random, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && Volatile.Read(ref _clientFailures) < 5)
        {
            var roll = random.Next(100);
            try
            {
                var (tool, arguments, expect) = roll switch
                {
                    < 30 => Read(random),
                    < 55 => ("tx_sign", SignPayer(random), "sign"),
                    < 65 => ("tx_sign", SignLimited(random), "sign"),
                    < 73 => ("tx_sign", Refused(random), "refusal"),
                    < 80 => ("tx_sign", Resign(random), "re-sign"),
                    < 88 => ("tx_sign", AskApproval(random), "approval"),
                    < 93 => ("tx_submit", Submit(random), "submit"),
                    _ => Invalid(random),
                };
                if (arguments is null)
                {
                    continue;
                }

                var result = await CallAsync(client, tool, arguments);
                Record(tool, expect, arguments, result);
                if (result.IsError && result.Body["error"]?["retry_after_ms"] is JsonValue wait)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(wait.GetValue<long>(), 2000)), stop).ContinueWith(_ => { }, TaskScheduler.Default);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                // The client saw no answer: a transport failure, a timeout or a protocol error. Each counts; five end the run.
                Count("client:" + exception.GetType().Name);
                Interlocked.Increment(ref _clientFailures);
                _violations.Add($"a call got no answer ({exception.GetType().Name}: {exception.Message})");
            }
        }
    }

    private (string, Dictionary<string, object?>?, string) Read(Random random)
    {
        var payer = _addresses["payer"];
        return random.Next(9) switch
        {
            0 => ("wallet_list", [], "read"),
            1 => ("wallet_balance", new() { ["wallet"] = "payer" }, "read"),
            2 => ("ledger_status", [], "read"),
            3 => ("server_status", [], "read"),
            4 => ("policy_check", new() { ["wallet"] = "payer", ["tx"] = Payment(_known[random.Next(_known.Length)], 1_000_000) }, "read"),
            5 => ("tx_decode", new() { ["tx_blob"] = _signatures.FirstOrDefault()?.Blob ?? "1200002280000000240000000161400000000000000A68400000000000000A" }, "read"),
            6 => ("wallet_history", new() { ["wallet"] = payer }, "read"),
            7 => ("wallet_lines", new() { ["wallet"] = "payer" }, "read"),
            // The whole chain is read each time; not too often, so the flood stays a flood of calls.
            _ => random.Next(10) == 0 ? ("audit_verify", [], "read") : ("wallet_list", [], "read"),
        };
    }

    // Autofilled by the server from the ledger (Sequence, Fee, LastLedgerSequence): the failing ledger's path.
    private Dictionary<string, object?> SignPayer(Random random) => new()
    {
        ["wallet"] = "payer",
        ["tx"] = Payment(_known[random.Next(_known.Length)], random.Next(1, 2_000_000)),
        ["submit"] = random.Next(3) == 0,
        ["wait"] = false,
    };

    // No ledger needed: the client numbers the Sequences; the daily limit is reached within seconds. Past it every
    // payment needs a human (whom the operator refuses), so the agent then tries only now and then, as one would.
    private Dictionary<string, object?>? SignLimited(Random random)
    {
        if (Volatile.Read(ref _limitedReached) == 1 && (random.Next(10) != 0 || _approvals.Count >= 3))
        {
            return null;
        }

        var tx = Payment(_known[random.Next(_known.Length)], random.Next(1_000_000, 3_000_000));
        tx["Sequence"] = Interlocked.Increment(ref _limitedSequence);
        tx["Fee"] = "12";
        return new() { ["wallet"] = "limited", ["tx"] = tx, ["autofill"] = false };
    }

    // Refusals the policy decides: a blocked destination (denied), or more than the largest single payment (a human
    // must approve it; the operator refuses every such request in ApproveAsync).
    private Dictionary<string, object?>? Refused(Random random)
    {
        var wallet = random.Next(2) == 0 ? "payer" : "limited";
        if (random.Next(10) < 7)
        {
            return new() { ["wallet"] = wallet, ["tx"] = Payment(_blocked, 1_000) };
        }

        return _approvals.Count >= 3 ? null : new() { ["wallet"] = wallet, ["tx"] = Payment(_known[0], (long)(MaxPerTransactionXrp * 1_000_000) + random.Next(1, 1_000_000)) };
    }

    // An agent re-signing a Sequence it already got signed, with other content (another amount): must be refused.
    private Dictionary<string, object?>? Resign(Random random)
    {
        var earlier = _signatures.Where(signature => signature.Wallet == "payer").Skip(random.Next(4)).FirstOrDefault();
        if (earlier is null)
        {
            return null;
        }

        var tx = Payment(_known[random.Next(_known.Length)], random.Next(2_000_000, 3_000_000));
        tx["Sequence"] = earlier.Sequence;
        tx["Fee"] = "12";
        tx["LastLedgerSequence"] = 100_000;
        return new() { ["wallet"] = "payer", ["tx"] = tx, ["autofill"] = false };
    }

    // A new destination needs a human: at most a few waiting at once, answered by ApproveAsync with the CLI.
    private Dictionary<string, object?>? AskApproval(Random random)
    {
        if (_approvals.Count >= 3)
        {
            return null;
        }

        var tx = Payment(RandomAddress(), random.Next(1, 5_000_000));
        tx["Sequence"] = Interlocked.Increment(ref _freshSequence);
        tx["Fee"] = "12";
        return new() { ["wallet"] = "fresh", ["tx"] = tx, ["autofill"] = false };
    }

    private Dictionary<string, object?>? Submit(Random random)
    {
        var signed = _signatures.Skip(random.Next(3)).FirstOrDefault();
        return signed is null ? null : new() { ["tx_blob"] = signed.Blob, ["wait"] = false };
    }

    private (string, Dictionary<string, object?>?, string) Invalid(Random random) => random.Next(3) switch
    {
        0 => ("wallet_balance", new() { ["wallet"] = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYf" }, "invalid"),
        1 => ("tx_sign", new() { ["wallet"] = "payer", ["tx"] = new JsonObject { ["TransactionType"] = "Payment", ["Amount"] = "-1" } }, "invalid"),
        _ => ("wallet_create", new() { ["name"] = new string('n', 200) }, "invalid"),
    };

    private static JsonObject Payment(string destination, long drops) => new()
    {
        ["TransactionType"] = "Payment",
        ["Destination"] = destination,
        ["Amount"] = drops.ToString(CultureInfo.InvariantCulture),
    };

    private void Record(string tool, string expect, Dictionary<string, object?> arguments, (bool IsError, JsonObject Body) result)
    {
        Count(result.IsError ? Kind(result.Body["error"]) : "ok:" + tool);
        if (result.IsError)
        {
            if (result.Body["error"]?["code"]?.GetValue<string>() == "approval_pending" && result.Body["error"]?["approval_id"] is JsonValue id && !arguments.ContainsKey("approval_id"))
            {
                _approvals.Write((id.GetValue<string>(), arguments));
                if ((string?)arguments["wallet"] == "limited" && expect == "sign")
                {
                    Volatile.Write(ref _limitedReached, 1);
                }
            }

            return;
        }

        if (tool == "tx_sign")
        {
            var wallet = (string)arguments["wallet"]!;
            var signature = ReadSignature(wallet, result.Body["tx_blob"]!.GetValue<string>(), result.Body["hash"]!.GetValue<string>(), _ledger!);
            _signatures.Add(signature);
            if (expect == "refusal")
            {
                _violations.Add($"a payment the policy must refuse was signed: {signature.Hash}");
            }
        }
    }

    private async Task ApproveAsync(McpClient client, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (!_approvals.TryRead(out var request))
            {
                await Task.Delay(200, stop).ContinueWith(_ => { }, TaskScheduler.Default);
                continue;
            }

            // The operator at a terminal: four in five of the new destinations approved, the rest denied; a payment
            // over a limit (payer's or limited's) always denied, so no limit is passed with a human's consent either.
            var approve = (string?)request.Arguments["wallet"] == "fresh" && _random.Next(5) != 0;
            var cli = approve
                ? CliProcess.Run(null, "approve", request.Id, "--yes", "--home", _home)
                : CliProcess.Run(null, "approve", "deny", request.Id, "--home", _home);
            Count(cli.ExitCode == 0 ? (approve ? "cli:approved" : "cli:denied") : "cli:failed");
            if (cli.ExitCode == 0)
            {
                Interlocked.Increment(ref approve ? ref _approved : ref _denied);
            }

            var retry = new Dictionary<string, object?>(request.Arguments) { ["approval_id"] = request.Id };
            try
            {
                var result = await CallAsync(client, "tx_sign", retry);
                Record("tx_sign", approve ? "approved" : "denied", retry, result);
                if (!approve && !result.IsError)
                {
                    _violations.Add("a request the operator denied was signed");
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Count("client:" + exception.GetType().Name);
                _violations.Add($"an approval's retry got no answer ({exception.GetType().Name})");
            }
        }
    }

    // The ledger's phases: well, slow, erroring, dropping connections, restarting, and all of them mixed.
    private async Task FailLedgerAsync(RippledStandIn ledger, CancellationToken stop)
    {
        var random = new Random(_random.Next());
        var phase = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var kind = phase++ % 6;
                int downtime;
                lock (random)
                {
                    ledger.SlowDelay = TimeSpan.FromMilliseconds(random.Next(500, 4000));
                    downtime = random.Next(1000, 4000);
                }

                ledger.Faults = kind switch
                {
                    0 => null,
                    1 => () => Pick(random, LedgerFault.Slow, 60),
                    2 => () => Pick(random, LedgerFault.Error, 50, alternative: LedgerFault.ServerError),
                    3 => () => Pick(random, LedgerFault.Drop, 50),
                    4 => null,
                    _ => () => Pick(random, LedgerFault.None, 40, mixed: true),
                };
                if (kind == 4)
                {
                    await ledger.RestartAsync(TimeSpan.FromMilliseconds(downtime));
                }

                await Task.Delay(TimeSpan.FromSeconds(4), stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    // Random is not thread-safe and the stand-in asks from each request's task: one lock around every draw.
    private static LedgerFault Pick(Random random, LedgerFault fault, int percent, LedgerFault? alternative = null, bool mixed = false)
    {
        lock (random)
        {
            if (random.Next(100) >= percent)
            {
                return LedgerFault.None;
            }

            if (mixed)
            {
                return (LedgerFault)random.Next(1, 5);
            }

            return alternative is { } other && random.Next(2) == 0 ? other : fault;
        }
    }

    private async Task SampleMemoryAsync(int pid, Stopwatch clock, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var rss = ReadStatusKiB(pid, "VmRSS");
                lock (_memory)
                {
                    _memory.Add((clock.Elapsed, rss));
                }

                await Task.Delay(500, stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static long ReadStatusKiB(int pid, string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(line => line.StartsWith(field + ":", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    // Peak RSS overall, in the first two thirds and in the last third: memory that keeps rising shows as a last third above the rest.
    private void ReportMemory(long hwm)
    {
        List<(TimeSpan At, long RssKiB)> samples;
        lock (_memory)
        {
            samples = [.. _memory];
        }

        if (samples.Count < 6)
        {
            _violations.Add("too few memory samples");
            return;
        }

        var cut = TimeSpan.FromTicks(_duration.Ticks * 2 / 3);
        var early = samples.Where(sample => sample.At < cut).Max(sample => sample.RssKiB);
        var late = samples.Where(sample => sample.At >= cut).Max(sample => sample.RssKiB);
        var peak = samples.Max(sample => sample.RssKiB);
        Report.Add(string.Create(CultureInfo.InvariantCulture, $"soak: server memory (VmRSS from /proc, {samples.Count} samples): peak {peak / 1024.0:0.0} MiB; first two thirds peak {early / 1024.0:0.0} MiB, last third peak {late / 1024.0:0.0} MiB; VmHWM {hwm / 1024.0:0.0} MiB"));
        PeakRssKiB = peak;
        if (peak > 1024 * 1024)
        {
            _violations.Add($"the server's memory exceeded 1 GiB ({peak} KiB)");
        }

        // Bounded: the last third may not rise clearly above what the first two thirds reached (a leak grows with calls).
        if (late > (early * 5 / 4) + (32 * 1024))
        {
            _violations.Add(string.Create(CultureInfo.InvariantCulture, $"the server's memory kept rising: last third peak {late} KiB against {early} KiB before"));
        }
    }

    /// <summary>The server's peak resident memory in KiB over the run.</summary>
    public long PeakRssKiB { get; private set; }

    private void Check(RippledStandIn ledger)
    {
        var signatures = _signatures.ToList();

        // 1. No Sequence signed twice with different content while the first could still apply: a second content is
        //    a violation when, as it was returned, the first's LastLedgerSequence had not passed (none: it never passes
        //    within a run) and the ledger had not consumed the Sequence. Once either happened the first can never
        //    apply, and the signing state lets the Sequence go (SigningState.Forget), by design.
        var reused = 0;
        var conflicts = new List<(Signature First, Signature Second)>();
        foreach (var slot in signatures.GroupBy(signature => (signature.Account, signature.Sequence)))
        {
            var ordered = slot.OrderBy(signature => signature.Order).ToList();
            for (var later = 1; later < ordered.Count; later++)
            {
                for (var earlier = 0; earlier < later; earlier++)
                {
                    var (first, second) = (ordered[earlier], ordered[later]);
                    if (first.Content == second.Content)
                    {
                        continue;
                    }

                    var firstStillValid = (first.LastLedger ?? uint.MaxValue) >= second.LedgerAtReturn && first.Sequence >= second.AccountSequenceAtReturn;
                    if (firstStillValid)
                    {
                        conflicts.Add((first, second));
                    }
                    else
                    {
                        reused++;
                    }
                }
            }
        }

        foreach (var (first, second) in conflicts.Take(5))
        {
            _violations.Add($"Sequence {first.Sequence} of {first.Wallet} was signed with different content while the first could still apply: {first.Content} | {second.Content} (returned at ledger {second.LedgerAtReturn}, account sequence {second.AccountSequenceAtReturn})");
        }

        // 2. The daily limit of "limited" holds over every distinct transaction it got signed (fee included, as the policy counts).
        var limitedDrops = signatures.Where(signature => signature.Wallet == "limited").DistinctBy(signature => signature.Hash).Sum(signature => signature.Drops + signature.Fee);
        var limitDrops = (long)(LimitedDailyXrp * 1_000_000);
        if (limitedDrops > limitDrops)
        {
            _violations.Add($"the daily limit of {LimitedDailyXrp} XRP was exceeded: {limitedDrops} drops signed");
        }

        var broken = signatures.Where(signature => signature.Drops > (long)(MaxPerTransactionXrp * 1_000_000) || signature.Destination == _blocked).ToList();
        var overMax = broken.Count;
        foreach (var signature in broken.Take(5))
        {
            _violations.Add($"a signature broke max_per_transaction or the blocklist ({signature.Wallet}): {signature.Content}");
        }

        // 3. Every returned signature has its audit entry, and the chain verifies (hsmwallet audit verify, a fresh process).
        var audited = AuditedHashes();
        var unaudited = signatures.Select(signature => signature.Hash).Distinct(StringComparer.Ordinal).Count(hash => !audited.Contains(hash));
        if (unaudited > 0)
        {
            _violations.Add($"{unaudited} returned signatures have no audit entry");
        }

        var verify = CliProcess.Run(null, "audit", "verify", "--home", _home, "--json");
        var verified = verify.ExitCode == 0;
        if (!verified)
        {
            _violations.Add($"hsmwallet audit verify failed (exit {verify.ExitCode}): {verify.Stdout.Trim()} {verify.Stderr.Trim()}");
        }

        foreach (var line in _serverErrors.Take(8))
        {
            _violations.Add("the server logged an error: " + line);
        }

        var faults = ledger.FaultCounts;
        Report.Add(string.Create(CultureInfo.InvariantCulture, $"soak: signatures returned {signatures.Count} ({signatures.Select(signature => signature.Hash).Distinct(StringComparer.Ordinal).Count()} distinct), approvals through hsmwallet approve: {_approved} approved, {_denied} denied"));
        Report.Add("soak: answers by kind: " + string.Join(", ", _outcomes.OrderByDescending(pair => pair.Value).Select(pair => $"{pair.Key} {pair.Value}")));
        Report.Add(string.Create(CultureInfo.InvariantCulture, $"soak: the ledger failed {faults.Values.Sum()} requests (slow {faults.GetValueOrDefault(LedgerFault.Slow)}, tooBusy {faults.GetValueOrDefault(LedgerFault.Error)}, HTTP 503 {faults.GetValueOrDefault(LedgerFault.ServerError)}, dropped {faults.GetValueOrDefault(LedgerFault.Drop)}) and restarted {ledger.Restarts} times; it served {ledger.HttpRequestCount} requests"));
        Report.Add(string.Create(CultureInfo.InvariantCulture, $"soak: invariants: {conflicts.Count} Sequences signed twice with different content while the first could apply ({reused} pairs of contents for one Sequence where the second came after the first had expired or its Sequence was used); daily limit {limitedDrops / 1_000_000m} of {LimitedDailyXrp} XRP used; {overMax} signatures over the per-transaction limit or to the blocked destination; {unaudited} signatures without an audit entry; audit verify {(verified ? "ok" : "FAILED")}"));
        Report.Add(string.Create(CultureInfo.InvariantCulture, $"soak: {_violations.Count} invariant violations"));
        foreach (var line in Report)
        {
            _log(line);
        }

        foreach (var violation in _violations.Take(20))
        {
            _log("soak: VIOLATION " + violation);
        }
    }

    private HashSet<string> AuditedHashes()
    {
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Path.Combine(_home, "audit"), "audit-*.jsonl"))
        {
            foreach (var line in File.ReadLines(file))
            {
                if (line.Length == 0 || JsonNode.Parse(line) is not JsonObject entry)
                {
                    continue;
                }

                if (entry["eventType"]?.GetValue<string>() == "transaction.sign" && entry["operation"]?["result"]?.GetValue<string>() == "success"
                    && entry["operation"]?["parameters"]?["hash"]?.GetValue<string>() is { } hash)
                {
                    hashes.Add(hash);
                }
            }
        }

        return hashes;
    }

    // The error code, with the field of an invalid input and the ledger's word of a ledger error (both safe by construction).
    private static string Kind(JsonNode? error)
    {
        var code = error?["code"]?.GetValue<string>() ?? "error";
        var message = error?["message"]?.GetValue<string>() ?? string.Empty;
        return code switch
        {
            "invalid_input" when message.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon => $"invalid_input({message[..colon]})",
            "ledger_error" when message.IndexOf('(', StringComparison.Ordinal) is > 0 and var open => $"ledger_error{message[open..]}",
            _ => code,
        };
    }

    private void Count(string kind) => _outcomes.AddOrUpdate(kind, 1, (_, count) => count + 1);

    private async Task<(bool IsError, JsonObject Body)> CallAsync(McpClient client, string tool, Dictionary<string, object?> arguments)
    {
        using var timeout = new CancellationTokenSource(CallTimeout);
        var result = await client.CallToolAsync(tool, arguments, cancellationToken: timeout.Token);
        Interlocked.Increment(ref _calls);
        var text = string.Concat(result.Content.OfType<TextContentBlock>().Select(block => block.Text));
        return (result.IsError == true, JsonNode.Parse(text)!.AsObject());
    }

    /// <summary>One returned signature, read back from its blob.</summary>
    private sealed record Signature(string Wallet, string Account, uint Sequence, string Content, string Hash, string Blob, long Drops, long Fee, string? Destination)
    {
        /// <summary>The LastLedgerSequence signed (null: none).</summary>
        public uint? LastLedger { get; init; }

        /// <summary>The stand-in's open ledger when the signature came back (a bound above what the server saw).</summary>
        public uint LedgerAtReturn { get; init; }

        /// <summary>The account's next Sequence in the stand-in's open ledger when the signature came back.</summary>
        public uint AccountSequenceAtReturn { get; init; }

        /// <summary>The order in which signatures came back.</summary>
        public long Order { get; init; }
    }

    private static long _order;

    private static Signature ReadSignature(string wallet, string blob, string hash, RippledStandIn ledger)
    {
        var tx = XrplBinaryCodec.Decode(Convert.FromHexString(blob));
        var drops = tx["Amount"] is JsonValue amount && amount.GetValueKind() == JsonValueKind.String ? long.Parse(amount.GetValue<string>(), CultureInfo.InvariantCulture) : 0;
        var fee = long.Parse(tx["Fee"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        tx.Remove("TxnSignature");
        var account = tx["Account"]!.GetValue<string>();
        return new Signature(wallet, account, tx["Sequence"]!.GetValue<uint>(), tx.ToJsonString(), hash, blob, drops, fee, tx["Destination"]?.GetValue<string>())
        {
            LastLedger = tx["LastLedgerSequence"]?.GetValue<uint>(),
            LedgerAtReturn = ledger.CurrentLedgerIndex,
            AccountSequenceAtReturn = ledger.SequenceOf(AccountId.ParseClassic(account, "Account")),
            Order = Interlocked.Increment(ref _order),
        };
    }

    private sealed class Server(McpClient client, int pid) : IAsyncDisposable
    {
        public McpClient Client { get; } = client;

        public int Pid { get; } = pid;

        public ValueTask DisposeAsync() => Client.DisposeAsync();
    }

    // A small unbounded queue the workers fill and the approver drains (System.Threading.Channels would do; this keeps the count cheap).
    private sealed class Channel<T>
    {
        private readonly ConcurrentQueue<T> _queue = new();

        public int Count => _queue.Count;

        public void Write(T item) => _queue.Enqueue(item);

        public bool TryRead(out T item) => _queue.TryDequeue(out item!);
    }
}
