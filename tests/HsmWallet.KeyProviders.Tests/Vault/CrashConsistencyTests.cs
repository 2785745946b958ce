using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace HsmWallet.KeyProviders.Tests.Vault;

/// <summary>
/// The crash-consistency harness (docs/testing.md): a writer doing every kind of private-file write (vault, approvals,
/// signing state, counters, audit log) is killed with SIGKILL at a chosen write step by the test-only fault hook
/// (HSMWALLET_TEST_KILL_AT_WRITE_STEP), over and over on the same home; after each kill a fresh process opens the home
/// and the invariants are checked against everything the killed writers reported as returned.
/// HSMWALLET_CRASH_POINTS sets the number of kill points (tools/crash-consistency.sh; 200 by default, as in CI) and
/// HSMWALLET_CRASH_REPORT a file for the figures.
/// </summary>
public sealed class CrashConsistencyTests(ITestOutputHelper output) : IDisposable
{
    private const int Lanes = 4;
    private const int DefaultPoints = 200;

    // Kill steps cycle through the first writes of a run: the leftover clean-up and about three rounds of work.
    private const int StepCycle = 150;

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_writer_killed_at_any_write_step_loses_no_committed_wallet_signature_approval_counter_or_audit_entry()
    {
        var points = int.TryParse(Environment.GetEnvironmentVariable("HSMWALLET_CRASH_POINTS"), CultureInfo.InvariantCulture, out var wanted) && wanted > 0
            ? wanted
            : DefaultPoints;
        var lanes = Enumerable.Range(0, Lanes).Select(lane => new Lane(_directory.Combine("home" + lane.ToString(CultureInfo.InvariantCulture)))).ToList();
        var failures = new ConcurrentQueue<Exception>();
        var threads = lanes.Select((lane, index) => new Thread(() =>
        {
            try
            {
                var share = Enumerable.Range(0, points).Where(point => point % Lanes == index).ToList();
                lane.Run(share.Select(point => 1 + (point % StepCycle)).ToList());
            }
            catch (Exception exception)
            {
                failures.Enqueue(exception);
            }
        })).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());

        var summary = Summary(lanes, points);
        output.WriteLine(summary);
        if (Environment.GetEnvironmentVariable("HSMWALLET_CRASH_REPORT") is { Length: > 0 } report)
        {
            File.WriteAllText(report, summary);
        }

        Assert.Empty(failures);
        Assert.Equal(points, lanes.Sum(lane => lane.Kills));
        Assert.Empty(lanes.SelectMany(lane => lane.Violations));
        Assert.True(lanes.Sum(lane => lane.Signatures.Count) > 0, "no signature came back: the harness did not exercise signing");
        // Every kind of write was hit, in each of its steps.
        var steps = lanes.SelectMany(lane => lane.StepsHit).ToHashSet(StringComparer.Ordinal);
        if (points >= DefaultPoints)
        {
            foreach (var expected in new[] { "vault.json", "apv_", "signing-testnet.json", "policy-counters.json", "audit-", "head" })
            {
                Assert.Contains(steps, step => step.Contains(expected, StringComparison.Ordinal));
            }

            Assert.Contains(steps, step => step.EndsWith("line half appended", StringComparison.Ordinal));
            Assert.Contains(steps, step => step.EndsWith("half written to its temporary file", StringComparison.Ordinal));
        }
    }

    private static string Summary(List<Lane> lanes, int points)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"crash consistency: {lanes.Sum(lane => lane.Kills)} of {points} kill points tried, {lanes.Sum(lane => lane.Violations.Count)} invariant violations");
        text.AppendLine(CultureInfo.InvariantCulture, $"returned before the kills and checked after: {lanes.Sum(lane => lane.Signatures.Count)} signatures, {lanes.Sum(lane => lane.WalletsAdded)} wallets added, {lanes.Sum(lane => lane.ApprovalsUsed)} approvals used, {lanes.Sum(lane => lane.Refusals)} re-signings of a signed Sequence refused");
        text.AppendLine(CultureInfo.InvariantCulture, $"kills in recovery (while a state journal left by the previous kill was applied again): {lanes.Sum(lane => lane.KillsInRecovery)}");
        foreach (var group in lanes.SelectMany(lane => lane.StepsHit).GroupBy(Kind).OrderBy(group => group.Key, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {group.Key}: {group.Count()} kills at {group.Distinct(StringComparer.Ordinal).Count()} distinct steps");
        }

        foreach (var violation in lanes.SelectMany(lane => lane.Violations).Take(20))
        {
            text.AppendLine("  VIOLATION " + violation);
        }

        return text.ToString();

        static string Kind(string step) =>
            step.StartsWith("vault.json", StringComparison.Ordinal) ? "vault"
            : step.StartsWith("apv_", StringComparison.Ordinal) ? "approval"
            : step.StartsWith("signing-", StringComparison.Ordinal) ? "signing state"
            : step.StartsWith("policy-counters", StringComparison.Ordinal) ? "counters"
            : step.StartsWith("audit-", StringComparison.Ordinal) ? "audit line"
            : step.StartsWith("head", StringComparison.Ordinal) ? "audit head"
            : step.Contains(".journal journal", StringComparison.Ordinal) ? "state journal"
            : "other (" + step.Split(' ')[0] + ")";
    }

    /// <summary>One home, its writers killed one after another, and what they reported as returned.</summary>
    private sealed class Lane(string home)
    {
        private readonly HashSet<string> _walletsAdded = new(StringComparer.Ordinal);
        private readonly HashSet<string> _walletsDeleting = new(StringComparer.Ordinal);
        private readonly HashSet<string> _walletsDeleted = new(StringComparer.Ordinal);
        private readonly HashSet<string> _approved = new(StringComparer.Ordinal);
        private readonly HashSet<string> _used = new(StringComparer.Ordinal);
        private readonly List<(long Clock, uint Sequence)> _signedAt = [];
        private long _countersGeneration;
        private long _signingGeneration;
        private long _auditEntries;
        private uint _lastTried;

        public int Kills { get; private set; }

        public int KillsInRecovery { get; private set; }

        public int WalletsAdded => _walletsAdded.Count;

        public int ApprovalsUsed => _used.Count;

        public int Refusals { get; private set; }

        public Dictionary<uint, string> Signatures { get; } = [];

        public List<string> Violations { get; } = [];

        public List<string> StepsHit { get; } = [];

        public void Run(List<int> killSteps)
        {
            var setup = RunHost(["crash-setup", home], killAt: null);
            Assert.True(setup.ExitCode == 0, "crash-setup failed: " + setup.Stderr);
            var payer = setup.Lines.Single().Split(' ')[1];
            for (var run = 1; run <= killSteps.Count; run++)
            {
                // Each run starts at the last Sequence an earlier run tried, with other content: it must be refused when
                // that run reserved it (whether or not the signature came back), and signed when the kill came first.
                var start = Math.Max(1, _lastTried);
                var result = RunHost(["crash-work", home, run.ToString(CultureInfo.InvariantCulture), start.ToString(CultureInfo.InvariantCulture)], killSteps[run - 1]);
                var marker = "killed at write step " + killSteps[run - 1].ToString(CultureInfo.InvariantCulture) + ": ";
                var killed = result.Stderr.Split('\n').FirstOrDefault(line => line.Contains(marker, StringComparison.Ordinal));
                Assert.True(result.ExitCode == 137 && killed is not null, $"run {run} was not killed at its step (exit {result.ExitCode}): {result.Stderr}");
                StepsHit.Add(StepName(killed![(killed.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..].Trim()));
                Kills++;
                var check = result.Lines.FirstOrDefault(line => line.StartsWith("check ", StringComparison.Ordinal));
                if (check is null)
                {
                    // Killed while the check finished what the previous kill left (a state journal applied again): a
                    // crash in recovery, which the next run's check (or the final one) sees the outcome of.
                    Assert.True(result.Lines.Count == 0, $"run {run} died before its check but after other output: {result.Stderr}");
                    KillsInRecovery++;
                    continue;
                }

                Verify(JsonNode.Parse(check!["check ".Length..])!.AsObject(), payer, run);
                Record(result.Lines, run);
            }

            var final = RunHost(["crash-check", home], killAt: null);
            Assert.True(final.ExitCode == 0, "crash-check failed: " + final.Stderr);
            Verify(JsonNode.Parse(final.Lines.Single())!.AsObject(), payer, killSteps.Count + 1);
        }

        private void Record(List<string> lines, int run)
        {
            long clock = 0;
            foreach (var line in lines)
            {
                var words = line.Split(' ');
                switch (words[0])
                {
                    case "ready":
                        clock = long.Parse(words[1], CultureInfo.InvariantCulture);
                        break;
                    case "wallet-added":
                        _walletsAdded.Add(words[1]);
                        break;
                    case "wallet-deleting":
                        _walletsDeleting.Add(words[1]);
                        break;
                    case "wallet-deleted":
                        _walletsDeleted.Add(words[1]);
                        break;
                    case "approval-approved":
                        _approved.Add(words[1]);
                        break;
                    case "approval-used":
                        _used.Add(words[1]);
                        break;
                    case "signing":
                        _lastTried = Math.Max(_lastTried, uint.Parse(words[1], CultureInfo.InvariantCulture));
                        break;
                    case "refused":
                        Refusals++;
                        break;
                    case "signed":
                        var sequence = uint.Parse(words[1], CultureInfo.InvariantCulture);
                        if (Signatures.TryGetValue(sequence, out var earlier) && earlier != words[2])
                        {
                            Violations.Add($"{home}: Sequence {sequence} signed twice with different content (run {run})");
                        }

                        Signatures[sequence] = words[2];
                        _signedAt.Add((clock, sequence));
                        break;
                }
            }
        }

        private void Verify(JsonObject report, string payer, int run)
        {
            void Violation(string what) => Violations.Add($"{home} after kill {run - 1}: {what}");

            foreach (var error in report["errors"]!.AsArray())
            {
                Violation("does not open: " + error);
            }

            if (report["errors"]!.AsArray().Count > 0)
            {
                return;
            }

            var wallets = report["wallets"]!.AsArray().Select(name => name!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
            foreach (var name in _walletsAdded.Except(_walletsDeleting).Where(name => !wallets.Contains(name)))
            {
                Violation($"wallet {name} was added but is missing");
            }

            foreach (var name in _walletsDeleted.Where(wallets.Contains))
            {
                Violation($"wallet {name} was deleted but is back");
            }

            var audited = report["audit_signed"]!.AsArray().Select(hash => hash!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
            foreach (var (sequence, hash) in Signatures.Where(pair => !audited.Contains(pair.Value)))
            {
                Violation($"the signature for Sequence {sequence} ({hash}) was returned but is not in the audit log");
            }

            var entries = report["audit"]!["entries"]!.GetValue<long>();
            if (entries < _auditEntries)
            {
                Violation($"the audit log went back from {_auditEntries} to {entries} entries");
            }

            _auditEntries = entries;

            var reservations = report["signing"]?["body"]?["accounts"]?[payer]?.AsObject();
            foreach (var sequence in Signatures.Keys.Where(sequence => reservations?[$"S{sequence}"] is null))
            {
                Violation($"the signing state lost the reservation of returned Sequence {sequence}");
            }

            _signingGeneration = Forward("signing state generation", _signingGeneration, report["signing"]?["generation"]?.GetValue<long>() ?? 0, Violation);
            _countersGeneration = Forward("counters generation", _countersGeneration, report["counters"]?["generation"]?.GetValue<long>() ?? 0, Violation);

            // Signatures of the last 100 runs (under 17 hours of the runs' clock, inside the counters' day) are all counted.
            if (_signedAt.Count > 0)
            {
                var since = _signedAt.Where(item => item.Clock > 0).Select(item => item.Clock).DefaultIfEmpty(0).Max() - (long)TimeSpan.FromHours(16).TotalMilliseconds;
                var returned = _signedAt.Count(item => item.Clock >= since);
                var counted = report["counters"]?["body"]?["entries"]?.AsArray()
                    .Where(entry => entry!["at"]!.GetValue<long>() >= since - (long)TimeSpan.FromMinutes(5).TotalMilliseconds)
                    .Sum(entry => entry!["count"]!.GetValue<int>()) ?? 0;
                if (counted < returned)
                {
                    Violation($"the counters hold {counted} signatures of the last 16 hours but {returned} were returned");
                }
            }

            var approvals = report["approvals"]!.AsObject();
            foreach (var id in _approved)
            {
                var state = approvals[id]?["state"]?.GetValue<string>();
                if (state is "pending")
                {
                    Violation($"approval {id} was approved but is pending again");
                }

                if (_used.Contains(id) && state is not null && state != "used")
                {
                    Violation($"approval {id} was used but is {state} again (usable twice)");
                }
            }
        }

        // ".vault.json.tmp-1a2b... half written to its temporary file" names the file it replaces: "vault.json ...".
        // Approval files are one per request: "apv_3f... renamed into place" counts as "apv_* renamed into place".
        private static string StepName(string step)
        {
            var temporary = step.IndexOf(".tmp-", StringComparison.Ordinal);
            var name = step.StartsWith('.') && temporary > 0
                ? step[1..temporary] + step[step.IndexOf(' ', temporary)..]
                : step;
            return name.StartsWith("apv_", StringComparison.Ordinal) ? "apv_*" + name[name.IndexOf('.', StringComparison.Ordinal)..] : name;
        }

        private static long Forward(string what, long before, long now, Action<string> violation)
        {
            if (now < before)
            {
                violation($"the {what} went back from {before} to {now}");
            }

            return Math.Max(before, now);
        }

        private static (int ExitCode, List<string> Lines, string Stderr) RunHost(string[] arguments, int? killAt)
        {
            using var process = TestHost.Start(arguments, killAt is int step
                ? new Dictionary<string, string> { [WriteFaultsVariable] = step.ToString(CultureInfo.InvariantCulture) }
                : []);
            var stderr = process.StandardError.ReadToEndAsync();
            var lines = new List<string>();
            while (process.StandardOutput.ReadLine() is string line)
            {
                lines.Add(line);
            }

            process.WaitForExit();
            return (process.ExitCode, lines, stderr.GetAwaiter().GetResult());
        }
    }

    // The hook's variable, as src/Core/Secrets/Files/WriteFaults.cs names it (internal there).
    private const string WriteFaultsVariable = "HSMWALLET_TEST_KILL_AT_WRITE_STEP";
}
