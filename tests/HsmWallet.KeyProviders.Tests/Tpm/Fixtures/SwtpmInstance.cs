using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace HsmWallet.KeyProviders.Tests.Tpm.Fixtures;

/// <summary>
/// A private swtpm for one test class: free loopback ports (command P, control P+1 as the swtpm
/// TCTI expects), its own state directory, stopped and deleted at the end.
/// </summary>
public sealed class SwtpmInstance : IDisposable
{
    private readonly string stateDirectory;
    private Process? process;

    public SwtpmInstance()
    {
        stateDirectory = Directory.CreateTempSubdirectory("hsmwallet-swtpm-").FullName;
        Start();
    }

    public int Port { get; private set; }

    public string Tcti => $"swtpm:host=127.0.0.1,port={Port}";

    public bool IsRunning => process is { HasExited: false };

    /// <summary>Starts swtpm on a fresh port pair, keeping the state directory (so a restart keeps the seeds).</summary>
    public void Start()
    {
        // Test classes start their swtpm in parallel: a port pair found free by one could be taken by
        // another's swtpm before it binds, and a connect to "our" control port would then reach theirs.
        lock (StartLock)
        {
            StartUnderLock();
        }
    }

    private static readonly Lock StartLock = new();

    private void StartUnderLock()
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var port = FindFreePortPair();
            var startInfo = new ProcessStartInfo("swtpm")
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "socket", "--tpm2",
                "--server", $"type=tcp,port={port},bindaddr=127.0.0.1",
                "--ctrl", $"type=tcp,port={port + 1},bindaddr=127.0.0.1",
                "--tpmstate", $"dir={stateDirectory}",
                "--flags", "not-need-init,startup-clear",
            })
            {
                startInfo.ArgumentList.Add(argument);
            }

            var started = Process.Start(startInfo) ?? throw new InvalidOperationException("swtpm did not start");
            if (WaitUntilListening(started, port))
            {
                process = started;
                Port = port;
                return;
            }

            if (!started.HasExited)
            {
                started.Kill();
            }

            started.WaitForExit();
            started.Dispose();
        }

        throw new InvalidOperationException("swtpm could not be started on a free loopback port");
    }

    /// <summary>Kills swtpm at once (a TPM vanishing mid-operation).</summary>
    public void Kill()
    {
        if (process is { HasExited: false })
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    /// <summary>Runs a tpm2-tools command against this swtpm and returns its standard output; throws on failure.</summary>
    public string RunTool(string tool, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(tool)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = stateDirectory,
        };
        startInfo.ArgumentList.Add("-T");
        startInfo.ArgumentList.Add(Tcti);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["TSS2_LOG"] = "all+NONE";
        using var tool_ = Process.Start(startInfo) ?? throw new InvalidOperationException(tool + " did not start");
        var output = tool_.StandardOutput.ReadToEndAsync();
        var error = tool_.StandardError.ReadToEnd();
        tool_.WaitForExit();
        if (tool_.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} failed ({tool_.ExitCode}): {error}");
        }

        return output.Result;
    }

    /// <summary>A scratch file path inside the state directory, for tpm2-tools inputs and outputs.</summary>
    public string ScratchPath(string name) => Path.Combine(stateDirectory, name);

    public void Dispose()
    {
        Kill();
        process?.Dispose();
        try
        {
            Directory.Delete(stateDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FindFreePortPair()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            using var first = new TcpListener(IPAddress.Loopback, 0);
            first.Start();
            var port = ((IPEndPoint)first.LocalEndpoint).Port;
            if (port >= 65535)
            {
                continue;
            }

            try
            {
                using var second = new TcpListener(IPAddress.Loopback, port + 1);
                second.Start();
                second.Stop();
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException("no free loopback port pair");
    }

    private static bool WaitUntilListening(Process started, int port)
    {
        for (var i = 0; i < 200; i++)
        {
            if (started.HasExited)
            {
                return false;
            }

            try
            {
                using (var control = new TcpClient())
                {
                    control.Connect(IPAddress.Loopback, port + 1);
                }

                // swtpm binds the server port first; if it lost that port it exits right away.
                Thread.Sleep(50);
                return !started.HasExited;
            }
            catch (SocketException)
            {
                Thread.Sleep(25);
            }
        }

        return false;
    }
}
