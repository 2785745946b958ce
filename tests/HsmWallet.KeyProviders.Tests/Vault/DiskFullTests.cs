using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace HsmWallet.KeyProviders.Tests.Vault;

/// <summary>
/// The home on a full disk (docs/testing.md): a 2 MiB tmpfs filled to the last page, then given back one page at a
/// time while one long-running process retries each kind of write (vault, approval, signing state, counters, audit),
/// so each write meets ENOSPC at each of its steps. Every failure must be a clear error, the home must open clean
/// after each, and the same process must succeed once space returns. Needs root for mount (as CI runs).
/// </summary>
public sealed class DiskFullTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private const int PageSize = 4096;
    private readonly TemporaryDirectory _directory = new();
    private readonly string _mount;

    public DiskFullTests(ITestOutputHelper output)
    {
        _output = output;
        _mount = _directory.Combine("tmpfs");
        Directory.CreateDirectory(_mount);
        // As root (CI, .ci/run) mount directly; elsewhere through passwordless sudo (GitHub's runners), owned by this user.
        var user = Run("id", "-u").Output;
        var group = Run("id", "-g").Output;
        var (exitCode, mounted) = Privileged("mount", "-t", "tmpfs", "-o", $"size=2m,mode=0700,uid={user},gid={group}", "tmpfs", _mount);
        Assert.True(exitCode == 0, $"mount -t tmpfs failed (exit {exitCode}): {mounted}; the disk-full tests need root or passwordless sudo");
    }

    public void Dispose()
    {
        Privileged("umount", "-l", _mount);
        _directory.Dispose();
    }

    private static (int ExitCode, string Output) Privileged(string command, params string[] arguments) =>
        Run("id", "-u").Output == "0" ? Run(command, arguments) : Run("sudo", ["-n", command, .. arguments]);

    [Fact]
    public void On_a_full_disk_every_kind_of_write_fails_closed_with_a_clear_error_and_succeeds_once_space_returns()
    {
        var home = Path.Combine(_mount, "home");
        using (var setup = TestHost.Start("crash-setup", home))
        {
            setup.WaitForExit();
            Assert.True(setup.ExitCode == 0, "crash-setup failed: " + setup.StandardError.ReadToEnd());
        }

        using var host = TestHost.Start("ops", home);
        var filler = Path.Combine(_mount, "filler");
        Directory.CreateDirectory(filler);
        var pages = Fill(filler);
        Assert.True(pages > 0);

        var failedAt = new HashSet<string>(StringComparer.Ordinal);
        string[] operations = ["wallet-create extra", "approval", "sign 1", "wallet-delete extra", "sign 2"];
        foreach (var operation in operations)
        {
            var failures = 0;
            while (true)
            {
                var answer = Ask(host, operation);
                if (answer.StartsWith("ok ", StringComparison.Ordinal))
                {
                    break;
                }

                failures++;
                _output.WriteLine($"{operation}: {answer}");
                // A clear error: the cause, no space, is named, with the file that could not be written.
                Assert.Contains("No space left on device", answer, StringComparison.Ordinal);
                failedAt.Add(FileKind(answer));
                AssertHomeIsWhole(host, home);

                // One page more room, and the same process tries again.
                Assert.True(FreeOnePage(filler), $"{operation} still fails with all the space back: {answer}");
            }

            Assert.True(failures > 0, $"{operation} never met the full disk");
            _output.WriteLine($"{operation}: {failures} failures on the full disk, then it succeeded");
            Fill(filler);
        }

        // Every kind of write met the full disk at least once.
        foreach (var kind in new[] { "vault", "approval", "signing state", "counters", "audit" })
        {
            Assert.Contains(kind, failedAt);
        }

        // Space back for good: everything works, in this process and in a fresh one.
        Directory.Delete(filler, recursive: true);
        Assert.StartsWith("ok ", Ask(host, "wallet-create after"), StringComparison.Ordinal);
        var signed = Ask(host, "sign 3");
        Assert.StartsWith("ok ", signed, StringComparison.Ordinal);
        host.StandardInput.Close();
        host.WaitForExit();

        using var fresh = TestHost.Start("crash-check", home);
        var report = JsonNode.Parse(fresh.StandardOutput.ReadToEnd())!.AsObject();
        fresh.WaitForExit();
        Assert.Empty(report["errors"]!.AsArray());
        Assert.Contains("after", report["wallets"]!.AsArray().Select(name => name!.GetValue<string>()));
        Assert.Contains(signed[3..], report["audit_signed"]!.AsArray().Select(hash => hash!.GetValue<string>()));
        Assert.True(report["audit"]!["ok"]!.GetValue<bool>());
    }

    // The home opens as a restarted server finds it: vault, audit chain, state files, approvals; nothing half-written.
    private static void AssertHomeIsWhole(Process host, string home)
    {
        var answer = Ask(host, "check");
        Assert.StartsWith("ok ", answer, StringComparison.Ordinal);
        var report = JsonNode.Parse(answer[3..])!.AsObject();
        Assert.True(report["errors"]!.AsArray().Count == 0, "the home is damaged after a failed write: " + report["errors"]!.ToJsonString());
        Assert.Empty(Directory.EnumerateFiles(home, ".*.tmp-*", SearchOption.AllDirectories));
    }

    private static string FileKind(string answer) =>
        answer.Contains("vault.json", StringComparison.Ordinal) ? "vault"
        : answer.Contains("apv_", StringComparison.Ordinal) ? "approval"
        : answer.Contains("signing-testnet.json", StringComparison.Ordinal) ? "signing state"
        : answer.Contains("policy-counters.json", StringComparison.Ordinal) ? "counters"
        : answer.Contains("audit", StringComparison.Ordinal) ? "audit"
        : "other: " + answer;

    private static string Ask(Process host, string operation)
    {
        host.StandardInput.WriteLine(operation);
        host.StandardInput.Flush();
        return host.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the ops host ended: " + host.StandardError.ReadToEnd());
    }

    // One page per file until the file system refuses even one byte more.
    private static int Fill(string filler)
    {
        var page = new byte[PageSize];
        var count = 0;
        while (true)
        {
            var path = Path.Combine(filler, Guid.NewGuid().ToString("N"));
            try
            {
                File.WriteAllBytes(path, page);
                count++;
            }
            catch (IOException)
            {
                File.Delete(path);
                return count;
            }
        }
    }

    private static bool FreeOnePage(string filler)
    {
        var file = Directory.EnumerateFiles(filler).FirstOrDefault();
        if (file is null)
        {
            return false;
        }

        File.Delete(file);
        return true;
    }

    private static (int ExitCode, string Output) Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Trim());
    }
}
