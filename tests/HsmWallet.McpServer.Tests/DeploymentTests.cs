using System.Diagnostics;
using System.Text.Json.Nodes;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Secrets.Files;
using HsmWallet.KeyProviders.Password;
using HsmWallet.McpServer.Tests.Support;

namespace HsmWallet.McpServer.Tests;

/// <summary>
/// The shipped systemd deployment (tools/systemd, docs/deployment.md, issue 14.13): the units pass systemd's own
/// check, keep the hardening the docs promise, and the socket-activated shape works end to end: the client wrapper
/// reaches a server whose stdin and stdout are the connection and whose password comes from a systemd credential.
/// </summary>
public sealed class DeploymentTests : IDisposable
{
    private static readonly string Units = Path.Combine(AppContext.BaseDirectory, "systemd");
    private readonly string _root = Directory.CreateTempSubdirectory("hsmwallet-deployment-").FullName;

    [Fact]
    public void The_shipped_units_pass_systemd_analyze_verify()
    {
        var folder = Path.Combine(_root, "units");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(Units, "hsmwallet-mcp.socket"), Path.Combine(folder, "hsmwallet-mcp.socket"));
        // verify checks that ExecStart's program exists: point it at the server this test run built.
        var service = File.ReadAllText(Path.Combine(Units, "hsmwallet-mcp@.service"))
            .Replace("/usr/local/lib/hsmwallet/hsmwallet-mcp", Path.Combine(AppContext.BaseDirectory, "hsmwallet-mcp"), StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(folder, "hsmwallet-mcp@.service"), service);

        var verify = Run(folder, "systemd-analyze", "verify", "--man=no", "hsmwallet-mcp.socket", "hsmwallet-mcp@.service");

        Assert.True(verify.ExitCode == 0, verify.Stderr);
        Assert.Equal(string.Empty, verify.Stderr.Trim());
    }

    [Fact]
    public void The_service_runs_as_its_own_user_with_the_secret_from_a_credential_and_the_promised_hardening()
    {
        var service = Keys(Path.Combine(Units, "hsmwallet-mcp@.service"));
        var socket = Keys(Path.Combine(Units, "hsmwallet-mcp.socket"));

        Assert.Equal(["hsmwallet"], service["User"]);
        Assert.StartsWith($"{SystemdCredentialNames.Password}:", Assert.Single(service["LoadCredential"]), StringComparison.Ordinal);
        Assert.Equal(["hsmwallet"], service["StateDirectory"]);
        Assert.Equal(["0700"], service["StateDirectoryMode"]);
        Assert.Contains("--home /var/lib/hsmwallet ", Assert.Single(service["ExecStart"]), StringComparison.Ordinal);
        Assert.Equal(["socket"], service["StandardInput"]);
        Assert.Equal(["socket"], service["StandardOutput"]);
        Assert.Contains("DOTNET_EnableDiagnostics=0", service["Environment"]);
        foreach (var (key, value) in new[]
        {
            ("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"), ("ProtectHome", "yes"), ("PrivateTmp", "yes"),
            ("LockPersonality", "yes"), ("RestrictSUIDSGID", "yes"), ("LimitCORE", "0"), ("UMask", "0077"),
            ("CapabilityBoundingSet", string.Empty), ("RestrictAddressFamilies", "AF_UNIX AF_INET AF_INET6"),
        })
        {
            Assert.True(service.TryGetValue(key, out var values) && values.Contains(value), $"{key}={value} is missing");
        }

        // The .NET JIT writes code pages: this option would stop the server at start.
        Assert.False(service.ContainsKey("MemoryDenyWriteExecute"));
        Assert.Equal(["yes"], socket["Accept"]);
        Assert.Equal(["0660"], socket["SocketMode"]);
        Assert.Equal(["hsmwallet-clients"], socket["SocketGroup"]);
        Assert.Single(socket["MaxConnections"]);
    }

    [Fact]
    public async Task Through_the_socket_the_client_wrapper_reaches_a_server_that_unlocks_with_its_systemd_credential()
    {
        const string Password = "deployment test password";
        var home = Path.Combine(_root, "home");
        Directory.CreateDirectory(home);
        File.SetUnixFileMode(home, ProtectedFile.DirectoryMode);
        SecretFiles.CreateVault(home, SecretFiles.Write(Password), SecretKind.Password, new PasswordKeyProvider(new Argon2Parameters(8 * 1024, 1, 1)));
        var credentials = Path.Combine(_root, "credentials");
        Directory.CreateDirectory(credentials);
        var credential = Path.Combine(credentials, SystemdCredentialNames.Password);
        File.WriteAllText(credential, Password + "\n");
        File.SetUnixFileMode(credential, UnixFileMode.UserRead);
        // As systemd writes it for a service user: root's, 0400, and an ACL entry for that user.
        var self = Run(_root, "id", "-u").Stdout.Trim();
        Assert.Equal(0, Run(_root, "setfacl", "-m", $"u:{self}:r", credential).ExitCode);

        var socketPath = Path.Combine(_root, "mcp.sock");
        var activator = new ProcessStartInfo("systemd-socket-activate") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            "--listen", socketPath, "--accept", "--inetd",
            "-E", $"CREDENTIALS_DIRECTORY={credentials}", "-E", "DOTNET_EnableDiagnostics=0",
            "dotnet", Path.Combine(AppContext.BaseDirectory, "hsmwallet-mcp.dll"), "--home", home, "--network", "testnet",
        })
        {
            activator.ArgumentList.Add(argument);
        }

        activator.Environment.Remove("HSMWALLET_PASSWORD");
        activator.Environment.Remove("HSMWALLET_HOME");
        using var listening = Process.Start(activator)!;
        var activatorLog = listening.StandardError.ReadToEndAsync();
        try
        {
            using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                while (!File.Exists(socketPath))
                {
                    await Task.Delay(20, deadline.Token);
                }
            }

            var client = new ProcessStartInfo("sh")
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            client.ArgumentList.Add(Path.Combine(Units, "hsmwallet-mcp-connect"));
            client.Environment["HSMWALLET_MCP_SOCKET"] = socketPath;
            using var connection = Process.Start(client)!;
            var clientErrors = connection.StandardError.ReadToEndAsync();

            var created = await AskAsync(connection, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"deployment-test","version":"1"}}}""", 1);
            Assert.Equal("hsmwallet-mcp", created["result"]!["serverInfo"]!["name"]!.GetValue<string>());
            await connection.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""");
            var wallet = await AskAsync(connection, """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"wallet_create","arguments":{"name":"through-socket"}}}""", 2);

            Assert.False(wallet["result"]!["isError"]?.GetValue<bool>() ?? false, wallet.ToJsonString());
            var answer = JsonNode.Parse(wallet["result"]!["content"]![0]!["text"]!.GetValue<string>())!;
            Assert.StartsWith("r", answer["address"]!.GetValue<string>(), StringComparison.Ordinal);

            connection.StandardInput.Close();
            using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await connection.WaitForExitAsync(exited.Token);
            Assert.DoesNotContain(Password, await clientErrors, StringComparison.Ordinal);
        }
        finally
        {
            listening.Kill(entireProcessTree: true);
            await listening.WaitForExitAsync();
        }

        Assert.DoesNotContain(Password, await activatorLog, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static async Task<JsonNode> AskAsync(Process connection, string request, int id)
    {
        await connection.StandardInput.WriteLineAsync(request);
        await connection.StandardInput.FlushAsync();
        while (true)
        {
            var line = await connection.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.NotNull(line);
            var message = JsonNode.Parse(line)!;
            if (message["id"]?.GetValue<int>() == id)
            {
                return message;
            }
        }
    }

    // Unit files as systemd reads them: "Key=value" lines, comments and sections ignored, repeated keys kept in order.
    private static Dictionary<string, List<string>> Keys(string path)
    {
        var keys = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';' or '[')
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var key = line[..equals].Trim();
            if (!keys.TryGetValue(key, out var values))
            {
                keys[key] = values = [];
            }

            values.Add(line[(equals + 1)..].Trim());
        }

        return keys;
    }

    private static (int ExitCode, string Stdout, string Stderr) Run(string directory, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
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

    /// <summary>The credential names hsmwallet-mcp looks for in $CREDENTIALS_DIRECTORY.</summary>
    private static class SystemdCredentialNames
    {
        public const string Password = HsmWallet.Core.Secrets.Sources.SystemdCredentialSource.PasswordCredential;
    }
}
