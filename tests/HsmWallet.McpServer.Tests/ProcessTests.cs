using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Core.Secrets;
using HsmWallet.KeyProviders.Password;
using HsmWallet.McpServer.Tests.Support;

namespace HsmWallet.McpServer.Tests;

/// <summary>The real hsmwallet-mcp process over stdio: stdout carries only JSON-RPC, and no secret leaks anywhere.</summary>
public sealed class ProcessTests
{
    private const string Destination = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe";

    private static readonly string[] Session =
    [
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"process-test","version":"1"}}}""",
        """{"jsonrpc":"2.0","method":"notifications/initialized"}""",
        """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""",
        """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"wallet_create","arguments":{"name":"payer"}}}""",
        """{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"tx_sign","arguments":{"wallet":"payer","autofill":false,"tx":{"TransactionType":"Payment","Destination":"rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe","Amount":"1000","Fee":"12","Sequence":1}}}}""",
        """{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"wallet_balance","arguments":{"wallet":"rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYf"}}}""",
        """{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"audit_verify","arguments":{}}}""",
    ];

    [Fact]
    public async Task With_a_password_slot_stdout_is_only_JSON_RPC_and_the_password_appears_nowhere()
    {
        const string Password = "process-test password 0xC0FFEE";
        var passwordFile = SecretFiles.Write(Password);
        var home = NewHome();
        SecretFiles.CreateVault(home, passwordFile, SecretKind.Password, new PasswordKeyProvider(new Argon2Parameters(8 * 1024, 1, 1)));

        var run = await RunAsync(home, "--password-file", passwordFile);

        AssertSession(run);
        foreach (var (place, text) in Everywhere(home, run))
        {
            Assert.False(text.Contains(Password, StringComparison.Ordinal), $"the password appears in {place}");
        }
    }

    [Fact]
    public async Task The_zero_configuration_start_makes_a_key_file_vault_and_the_key_appears_nowhere()
    {
        var home = NewHome();

        var run = await RunAsync(home);

        AssertSession(run);
        Assert.Contains("created a new vault", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("hsmwallet slot add", run.Stderr, StringComparison.Ordinal);
        var key = File.ReadAllBytes(Path.Combine(home, "vault.key"));
        var forms = new[] { Convert.ToHexString(key), Convert.ToHexStringLower(key), Convert.ToBase64String(key) };
        foreach (var (place, text) in Everywhere(home, run))
        {
            foreach (var form in forms)
            {
                Assert.False(text.Contains(form, StringComparison.Ordinal), $"the key file's key appears in {place}");
            }
        }
    }

    [Fact]
    public async Task Version_prints_the_version_and_bad_options_exit_2_with_one_line()
    {
        var version = await RunRawAsync(["--version"], null);
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Stdout.Trim());
        var bad = await RunRawAsync(["--home", NewHome(), "--network", "moonnet"], null);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--network", bad.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, bad.Stdout);
    }

    [Fact]
    public async Task A_missing_home_is_created_private_and_a_home_open_to_others_is_answered_per_tool_with_chmod_700()
    {
        var parent = NewHome();
        var missing = Path.Combine(parent, "not-yet");
        var run = await RunAsync(missing);
        AssertSession(run);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(missing));

        var open = Path.Combine(parent, "open");
        Directory.CreateDirectory(open);
        File.SetUnixFileMode(open, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var refused = await RunRawAsync(["--home", open], BrokenHomeSession);
        var error = AssertBrokenHomeSession(refused);
        Assert.StartsWith("chmod 700 ", error["fix"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("chmod 700", refused.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(open, "logs")));
    }

    [Fact]
    public async Task A_vault_at_0644_still_completes_initialize_lists_tools_and_answers_each_call_with_the_chmod_until_stdin_closes()
    {
        var home = NewHome();
        AssertSession(await RunAsync(home));
        var vault = Path.Combine(home, "vault.json");
        File.SetUnixFileMode(vault, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var run = await RunRawAsync(["--home", home, "--network", "testnet"], BrokenHomeSession);

        var error = AssertBrokenHomeSession(run);
        Assert.Equal($"chmod 600 {vault}", error["fix"]!.GetValue<string>());
        Assert.Contains(vault, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains($"chmod 600 {vault}", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_nonsense_rate_limit_exits_2_naming_the_option()
    {
        var run = await RunRawAsync(["--home", NewHome(), "--rate-strict", "1000000/s"], null);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.StartsWith("hsmwallet-mcp: --rate-strict", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Half_a_surrogate_pair_in_an_argument_is_answered_invalid_input_naming_the_field_and_the_server_stays_up()
    {
        var home = NewHome();
        string[] session =
        [
            Session[0],
            Session[1],
            """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"wallet_balance","arguments":{"wallet":"\ud800"}}}""",
            """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"tx_sign","arguments":{"wallet":"payer","tx":{"TransactionType":"Payment","Destination":"rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe","Amount":"1000","Memos":[{"Memo":{"MemoData":"\udfff"}}]}}}}""",
            """{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"wallet_list","arguments":{"\udc00x":1}}}""",
            """{"jsonrpc":"2.0","id":5,"method":"tools/list","params":{"cursor":"\ud800"}}""",
            """{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"audit_verify","arguments":{}}}""",
        ];

        var run = await RunRawAsync(["--home", home, "--network", "testnet"], session);

        Assert.Equal(0, run.ExitCode);
        var byId = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(line)!.AsObject())
            .Where(message => message["id"] is not null)
            .ToDictionary(message => message["id"]!.GetValue<int>());
        foreach (var (id, field) in new[] { (2, "wallet"), (3, "tx.Memos[0].Memo.MemoData"), (4, "arguments") })
        {
            var error = byId[id]["result"]!["structuredContent"]!["error"]!;
            Assert.Equal("invalid_input", error["code"]!.GetValue<string>());
            Assert.StartsWith(field + ": must be valid Unicode text", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        // Not a tool call: JSON-RPC's Invalid params, naming where.
        Assert.Equal(-32602, byId[5]["error"]!["code"]!.GetValue<int>());
        Assert.StartsWith("params.cursor: must be valid Unicode text", byId[5]["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(JsonNode.Parse(byId[6]["result"]!["content"]![0]!["text"]!.GetValue<string>())!["ok"]!.GetValue<bool>());
        Assert.DoesNotContain("InvalidOperationException", run.Stderr, StringComparison.Ordinal);
    }

    private static readonly string[] BrokenHomeSession =
    [
        Session[0],
        Session[1],
        Session[2],
        """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"wallet_list","arguments":{}}}""",
        """{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"server_status","arguments":{}}}""",
    ];

    /// <summary>Every request answered (the process stayed up until stdin closed, then exited 0); returns the tool error.</summary>
    private static JsonObject AssertBrokenHomeSession((int ExitCode, string Stdout, string Stderr) run)
    {
        Assert.Equal(0, run.ExitCode);
        var byId = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(line)!.AsObject())
            .Where(message => message["id"] is not null)
            .ToDictionary(message => message["id"]!.GetValue<int>());
        Assert.Equal([1, 2, 3, 4], byId.Keys.Order());
        Assert.Equal("hsmwallet-mcp", byId[1]["result"]!["serverInfo"]!["name"]!.GetValue<string>());
        Assert.Equal(HsmWallet.McpServer.Pipeline.ToolCatalog.Tools.Count, byId[2]["result"]!["tools"]!.AsArray().Count);
        JsonObject? first = null;
        foreach (var id in new[] { 3, 4 })
        {
            var result = byId[id]["result"]!;
            Assert.True(result["isError"]!.GetValue<bool>());
            var error = result["structuredContent"]!["error"]!.AsObject();
            Assert.Equal("server_unavailable", error["code"]!.GetValue<string>());
            Assert.False(string.IsNullOrEmpty(error["correlation_id"]!.GetValue<string>()));
            Assert.DoesNotContain("   at ", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
            first ??= error;
        }

        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
        return first!;
    }

    private static void AssertSession((int ExitCode, string Stdout, string Stderr) run)
    {
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        var byId = new Dictionary<int, JsonObject>();
        foreach (var line in lines)
        {
            var message = JsonNode.Parse(line)!.AsObject();
            Assert.Equal("2.0", message["jsonrpc"]!.GetValue<string>());
            if (message["id"] is { } id)
            {
                byId[id.GetValue<int>()] = message;
            }
        }

        Assert.Equal([1, 2, 3, 4, 5, 6], byId.Keys.Order());
        Assert.Equal(HsmWallet.McpServer.Pipeline.ToolCatalog.Tools.Count, byId[2]["result"]!["tools"]!.AsArray().Count);
        var signed = JsonNode.Parse(byId[4]["result"]!["content"]![0]!["text"]!.GetValue<string>())!;
        Assert.Equal(64, signed["hash"]!.GetValue<string>().Length);
        Assert.True(byId[5]["result"]!["isError"]!.GetValue<bool>());
        var verified = JsonNode.Parse(byId[6]["result"]!["content"]![0]!["text"]!.GetValue<string>())!;
        Assert.True(verified["ok"]!.GetValue<bool>());
    }

    private static IEnumerable<(string Place, string Text)> Everywhere(string home, (int ExitCode, string Stdout, string Stderr) run)
    {
        yield return ("stdout", run.Stdout);
        yield return ("stderr", run.Stderr);
        foreach (var folder in new[] { "logs", "audit" })
        {
            var path = Path.Combine(home, folder);
            Assert.True(Directory.Exists(path), path);
            foreach (var file in Directory.GetFiles(path))
            {
                yield return (file, File.ReadAllText(file));
            }
        }
    }

    private static string NewHome()
    {
        var home = Directory.CreateTempSubdirectory("hsmwallet-mcp-process-").FullName;
        File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return home;
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string home, params string[] extra) =>
        RunRawAsync(["--home", home, "--network", "testnet", .. extra], Session);

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunRawAsync(string[] arguments, string[]? input)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hsmwallet-mcp.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("HSMWALLET_HOME");
        start.Environment.Remove("HSMWALLET_NETWORK");
        start.Environment.Remove("HSMWALLET_PASSWORD");
        using var process = Process.Start(start)!;
        var stdout = new StringBuilder();
        var expected = input?.Count(line => line.Contains("\"id\"", StringComparison.Ordinal)) ?? 0;
        var answered = 0;
        var allAnswered = new TaskCompletionSource();
        using var oneAnswered = new SemaphoreSlim(0);
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                allAnswered.TrySetResult();
                return;
            }

            lock (stdout)
            {
                stdout.Append(line.Data).Append('\n');
            }

            if (Interlocked.Increment(ref answered) >= expected)
            {
                allAnswered.TrySetResult();
            }

            oneAnswered.Release();
        };
        var stderr = process.StandardError.ReadToEndAsync();
        process.BeginOutputReadLine();
        foreach (var line in input ?? [])
        {
            await process.StandardInput.WriteLineAsync(line);
            await process.StandardInput.FlushAsync();
            if (line.Contains("\"id\"", StringComparison.Ordinal))
            {
                // One request at a time: the server runs calls concurrently, and tx_sign needs wallet_create done.
                await oneAnswered.WaitAsync(TimeSpan.FromSeconds(60));
            }
        }

        await allAnswered.Task.WaitAsync(TimeSpan.FromSeconds(60));
        process.StandardInput.Close();
        using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(exited.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var errorText = await stderr;
        lock (stdout)
        {
            return (process.ExitCode, stdout.ToString(), errorText);
        }
    }
}
