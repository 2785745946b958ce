using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace HsmWallet.Cli.Tests.Hardware;

/// <summary>
/// A private swtpm for one test class on free loopback ports (command P, control P+1), with its own state
/// folder; the minimal start logic of the KeyProviders tests' SwtpmInstance.
/// </summary>
public sealed class PrivateSwtpm : IDisposable
{
    private static readonly Lock StartLock = new();
    private readonly string _stateDirectory = Directory.CreateTempSubdirectory("hsmwallet-cli-swtpm-").FullName;
    private Process? _process;

    public PrivateSwtpm()
    {
        lock (StartLock)
        {
            Start();
        }
    }

    public int Port { get; private set; }

    public string Tcti => $"swtpm:host=127.0.0.1,port={Port}";

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Start()
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var port = FreePortPair();
            var start = new ProcessStartInfo("swtpm") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var argument in new[]
            {
                "socket", "--tpm2",
                "--server", $"type=tcp,port={port},bindaddr=127.0.0.1",
                "--ctrl", $"type=tcp,port={port + 1},bindaddr=127.0.0.1",
                "--tpmstate", $"dir={_stateDirectory}",
                "--flags", "not-need-init,startup-clear",
            })
            {
                start.ArgumentList.Add(argument);
            }

            var started = Process.Start(start) ?? throw new InvalidOperationException("swtpm did not start");
            if (Listening(started, port))
            {
                _process = started;
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

    private static int FreePortPair()
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

    private static bool Listening(Process started, int port)
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
