using System.Diagnostics;
using System.Globalization;

namespace HsmWallet.McpServer.Tests;

/// <summary>
/// The running hsmwallet-mcp process (issue 14.12): its secure buffers are locked in memory, another process of the
/// same user cannot read it, and it serves no .NET diagnostics port unless the operator asks for one.
/// The server runs as an unprivileged user (nobody), as a deployment would: for root, /proc hides nothing.
/// </summary>
public sealed class ProcessHardeningTests : IDisposable
{
    private const int Nobody = 65534;

    private static readonly string[] Handshake =
    [
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"hardening-test","version":"1"}}}""",
        """{"jsonrpc":"2.0","method":"notifications/initialized"}""",
        """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"wallet_create","arguments":{"name":"locked"}}}""",
    ];

    private readonly string _root;
    private readonly string _app;

    public ProcessHardeningTests()
    {
        // The test output may sit below a folder only root can enter (a CI clone in a 0700 temporary folder),
        // so the server runs from a copy that the unprivileged user can read.
        _root = Directory.CreateTempSubdirectory("hsmwallet-mcp-hardening-").FullName;
        File.SetUnixFileMode(_root, (UnixFileMode)0b111_101_101);
        _app = Path.Combine(_root, "app");
        CopyFolder(AppContext.BaseDirectory, _app);
    }

    [Fact]
    public async Task After_an_unlock_the_server_holds_locked_memory_is_not_dumpable_and_has_no_diagnostics_socket()
    {
        var started = DateTime.UtcNow;
        await using var server = Start(diagnostics: false);
        await server.HandshakeAsync();

        var status = File.ReadAllLines($"/proc/{server.Pid}/status");
        Assert.Equal(Nobody.ToString(CultureInfo.InvariantCulture), Field(status, "Uid:").Split('\t', ' ')[0]);
        Assert.True(Kib(Field(status, "VmLck:")) > 0, "no memory is locked: " + Field(status, "VmLck:"));

        // Not dumpable: the kernel gives its /proc files to root, and the same user cannot read them.
        Assert.Equal("0", Run("stat", "-c", "%u", $"/proc/{server.Pid}/environ").Stdout.Trim());
        var read = Run("setpriv", $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "--", "cat", $"/proc/{server.Pid}/environ");
        Assert.NotEqual(0, read.ExitCode);
        Assert.Contains("Permission denied", read.Stderr, StringComparison.Ordinal);

        Assert.Empty(DiagnosticsSockets(server.Pid, started));
    }

    [Fact]
    public async Task The_same_user_can_read_an_ordinary_process_so_the_refusal_above_is_the_servers_doing()
    {
        using var ordinary = Process.Start(new ProcessStartInfo("setpriv")
        {
            ArgumentList = { $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "--", "sleep", "60" },
            UseShellExecute = false,
        })!;
        try
        {
            await WaitUntilAsync(() => File.ReadAllText($"/proc/{ordinary.Id}/comm").Trim() == "sleep");

            Assert.Equal(Nobody.ToString(CultureInfo.InvariantCulture), Run("stat", "-c", "%u", $"/proc/{ordinary.Id}/environ").Stdout.Trim());
            var read = Run("setpriv", $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "--", "cat", $"/proc/{ordinary.Id}/environ");
            Assert.Equal(0, read.ExitCode);
        }
        finally
        {
            ordinary.Kill();
        }
    }

    [Fact]
    public async Task The_operator_can_ask_for_the_diagnostics_port_and_the_server_stays_not_dumpable()
    {
        var started = DateTime.UtcNow;
        await using var server = Start(diagnostics: true);
        await server.HandshakeAsync();

        Assert.NotEmpty(DiagnosticsSockets(server.Pid, started));
        Assert.Equal("0", Run("stat", "-c", "%u", $"/proc/{server.Pid}/environ").Stdout.Trim());
        Assert.Contains("diagnostics port is open", await server.StopAsync(), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private RunningServer Start(bool diagnostics)
    {
        var home = Path.Combine(_root, diagnostics ? "home-diagnostics" : "home");
        var userHome = home + "-user";
        foreach (var folder in new[] { home, userHome })
        {
            Directory.CreateDirectory(folder);
            Assert.Equal(0, Run("chown", $"{Nobody}:{Nobody}", folder).ExitCode);
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var start = new ProcessStartInfo("setpriv")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "--", "dotnet", Path.Combine(_app, "hsmwallet-mcp.dll"), "--home", home, "--network", "testnet" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["HOME"] = userHome;
        start.Environment.Remove("HSMWALLET_HOME");
        start.Environment.Remove("HSMWALLET_NETWORK");
        start.Environment.Remove("HSMWALLET_PASSWORD");
        start.Environment.Remove("DOTNET_EnableDiagnostics");
        start.Environment.Remove("COMPlus_EnableDiagnostics");
        if (diagnostics)
        {
            start.Environment["HSMWALLET_MCP_DIAGNOSTICS"] = "1";
        }
        else
        {
            start.Environment.Remove("HSMWALLET_MCP_DIAGNOSTICS");
        }

        return new RunningServer(Process.Start(start)!);
    }

    /// <summary>
    /// The diagnostics sockets of process <paramref name="pid"/>: only those made since <paramref name="started"/> (just before it was started), since a socket a killed
    /// process left behind under a pid the kernel has since reused is not this process's.
    /// </summary>
    // The runtime names its socket dotnet-diagnostic-PID-KEY-socket, KEY being the process's start time in clock ticks
    // (/proc/PID/stat field 22). Only a socket someone listens on counts (/proc/net/unix lists bound sockets by path):
    // a file a killed process left under a reused pid, or the one the runtime made before the server re-executed
    // itself without diagnostics (exec keeps the pid and the start time), answers no one.
    private static string[] DiagnosticsSockets(int pid, DateTime started)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var key = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19];
        var listening = File.ReadAllLines("/proc/net/unix").Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(fields => fields.Length >= 8).Select(fields => fields[^1]).ToHashSet(StringComparer.Ordinal);
        return [.. Directory.GetFileSystemEntries(Path.GetTempPath(), $"dotnet-diagnostic-{pid}-{key}-socket")
            .Where(path => File.GetLastWriteTimeUtc(path) >= started.AddSeconds(-1) && listening.Contains(path))];
    }

    private static string Field(string[] status, string name) =>
        status.Single(line => line.StartsWith(name, StringComparison.Ordinal))[name.Length..].Trim();

    private static long Kib(string value) => long.Parse(value.Split(' ')[0], CultureInfo.InvariantCulture);

    private static (int ExitCode, string Stdout, string Stderr) Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    private static void CopyFolder(string source, string target)
    {
        Directory.CreateDirectory(target);
        File.SetUnixFileMode(target, (UnixFileMode)0b111_101_101);
        foreach (var file in Directory.GetFiles(source))
        {
            var copy = Path.Combine(target, Path.GetFileName(file));
            File.Copy(file, copy);
            File.SetUnixFileMode(copy, (UnixFileMode)0b110_100_100);
        }

        foreach (var folder in Directory.GetDirectories(source))
        {
            CopyFolder(folder, Path.Combine(target, Path.GetFileName(folder)));
        }
    }

    /// <summary>One server process with its stdio, answering requests in order.</summary>
    private sealed class RunningServer(Process process) : IAsyncDisposable
    {
        private readonly Task<string> _stderr = process.StandardError.ReadToEndAsync();
        private bool _stopped;

        public int Pid => process.Id;

        /// <summary>initialize, then wallet_create, which unlocks the vault; waits for both answers.</summary>
        public async Task HandshakeAsync()
        {
            foreach (var line in Handshake)
            {
                await process.StandardInput.WriteLineAsync(line);
                await process.StandardInput.FlushAsync();
                var id = System.Text.Json.Nodes.JsonNode.Parse(line)!["id"];
                if (id is null)
                {
                    continue;
                }

                string? answer;
                do
                {
                    answer = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
                    Assert.True(answer is not null, "the server stopped: " + (process.HasExited ? await _stderr : "(running)"));
                }
                while (System.Text.Json.Nodes.JsonNode.Parse(answer)!["id"]?.GetValue<int>() != id.GetValue<int>());

                Assert.DoesNotContain("\"isError\":true", answer, StringComparison.Ordinal);
            }
        }

        /// <summary>Closes stdin as a client does, waits for the exit and returns what the server wrote on stderr.</summary>
        public async Task<string> StopAsync()
        {
            await DisposeAsync();
            return await _stderr;
        }

        public async ValueTask DisposeAsync()
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            process.StandardInput.Close();
            using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(exited.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }

            _ = await _stderr;
            process.Dispose();
        }
    }
}
