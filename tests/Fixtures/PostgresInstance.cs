using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace HsmWallet.Tests.Fixtures;

/// <summary>
/// A private PostgreSQL server for the tests: Debian's initdb and pg_ctl (/usr/lib/postgresql/VERSION/bin) on a data
/// folder in a temporary folder, listening on a free 127.0.0.1 port with its socket folder inside that folder,
/// password (scram-sha-256) authentication with generated passwords. Run as the unprivileged user postgres when the
/// tests run as root (initdb refuses root). Missing PostgreSQL fails the tests (never a skip): tools/test.sh installs it.
/// Stopped and deleted on <see cref="Dispose"/>.
/// </summary>
public sealed class PostgresInstance : IDisposable
{
    private const string AdminUser = "hsmwallet_admin";
    private static readonly Lock StartLock = new();
    private readonly string _root;
    private readonly string _data;
    private readonly string _binaries;
    private readonly string? _runAs;
    private readonly string _adminPassword = NewPassword();
    private int _databases;

    /// <summary>Creates the cluster, starts it and creates the application role (a plain login, not a superuser).</summary>
    public PostgresInstance()
    {
        _binaries = FindBinaries();
        _runAs = Environment.UserName == "root" || GetUid() == 0 ? "postgres" : null;
        _root = Directory.CreateTempSubdirectory("hsmwallet-pg-").FullName;
        _data = Path.Combine(_root, "data");
        var sockets = Path.Combine(_root, "sockets");
        Directory.CreateDirectory(sockets);
        var passwordFile = Path.Combine(_root, "admin-password");
        File.WriteAllText(passwordFile, _adminPassword);
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        if (_runAs is not null)
        {
            Run("chown", "-R", _runAs + ":", _root);
        }

        RunAsOwner(Path.Combine(_binaries, "initdb"), "-D", _data, "-U", AdminUser, "--auth=scram-sha-256", "--pwfile=" + passwordFile, "-E", "UTF8", "--no-locale", "--no-sync");
        File.Delete(passwordFile);
        lock (StartLock)
        {
            Start(sockets);
        }

        AppPassword = NewPassword();
        Admin($"CREATE ROLE {AppUser} LOGIN PASSWORD '{AppPassword}'");
    }

    /// <summary>The application's role: owns the test databases, is not a superuser.</summary>
    public string AppUser { get; } = "hsmwallet";

    /// <summary>The application role's generated password.</summary>
    public string AppPassword { get; }

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; private set; }

    /// <summary>Creates a new empty database owned by the application role and returns its name.</summary>
    public string CreateDatabase()
    {
        var name = "wallet_" + Interlocked.Increment(ref _databases).ToString(CultureInfo.InvariantCulture);
        Admin($"CREATE DATABASE {name} OWNER {AppUser}");
        return name;
    }

    /// <summary>A connection string for the application role on <paramref name="database"/> (password included, for the tests only).</summary>
    public string ConnectionString(string database, string? password = null) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Database = database,
        Username = AppUser,
        Password = password ?? AppPassword,
        Pooling = true,
    }.ConnectionString;

    /// <summary>The <c>--state</c> URL of <paramref name="database"/> (no password: that goes in a credential).</summary>
    public string Url(string database) => $"postgres://{AppUser}@127.0.0.1:{Port}/{database}";

    /// <summary>Runs <paramref name="sql"/> as the superuser on <paramref name="database"/> (what a database administrator can do).</summary>
    public void Admin(string sql, string database = "postgres")
    {
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Database = database,
            Username = AdminUser,
            Password = _adminPassword,
            Pooling = false,
        }.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    /// <summary>Stops the server at once and deletes its folder.</summary>
    public void Dispose()
    {
        try
        {
            RunAsOwner(Path.Combine(_binaries, "pg_ctl"), "stop", "-D", _data, "-m", "immediate", "-w");
        }
        catch (InvalidOperationException)
        {
        }

        NpgsqlConnection.ClearAllPools();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Start(string sockets)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var port = FreePort();
            try
            {
                RunAsOwner(
                    Path.Combine(_binaries, "pg_ctl"),
                    "start", "-w", "-t", "60", "-D", _data, "-l", Path.Combine(_root, "server.log"),
                    "-o", $"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={sockets} -c unix_socket_permissions=0700 -c fsync=off -c max_connections=200");
                Port = port;
                return;
            }
            catch (InvalidOperationException) when (attempt < 9)
            {
                // The port was taken between the probe and the start: another try on another port.
            }
        }
    }

    private static string FindBinaries()
    {
        const string Root = "/usr/lib/postgresql";
        var found = Directory.Exists(Root)
            ? Directory.GetDirectories(Root)
                .Select(directory => (Directory: directory, Version: int.TryParse(Path.GetFileName(directory), out var version) ? version : -1))
                .Where(candidate => candidate.Version > 0 && File.Exists(Path.Combine(candidate.Directory, "bin", "initdb")))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => Path.Combine(candidate.Directory, "bin"))
                .FirstOrDefault()
            : null;
        return found ?? throw new InvalidOperationException(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install postgresql (tools/test.sh installs it); these tests never skip");
    }

    private void RunAsOwner(string program, params string[] arguments)
    {
        if (_runAs is null)
        {
            Run(program, arguments);
        }
        else
        {
            Run("runuser", ["-u", _runAs, "--", program, .. arguments]);
        }
    }

    private static void Run(string program, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException(program + " did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments.Take(2))} failed ({process.ExitCode}): {error} {output.Result}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string NewPassword() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static uint GetUid()
    {
        var status = File.ReadLines("/proc/self/status").FirstOrDefault(line => line.StartsWith("Uid:", StringComparison.Ordinal));
        return status is null ? uint.MaxValue : uint.Parse(status.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
}
