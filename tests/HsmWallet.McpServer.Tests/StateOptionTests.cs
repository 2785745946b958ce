using System.Diagnostics;
using HsmWallet.Cli.Tests.Support;
using HsmWallet.Tests.Fixtures;

namespace HsmWallet.McpServer.Tests;

/// <summary>
/// hsmwallet-mcp --state: a URL holding a password is refused before anything starts (exit 2, never printed), a
/// database whose schema is not this version's stops the start (exit 1, saying to migrate), a migrated one serves.
/// </summary>
public sealed class StateOptionTests(PostgresInstance postgres) : IClassFixture<PostgresInstance>, IDisposable
{
    private readonly ScratchDirectory scratch = new();

    public void Dispose() => scratch.Dispose();

    [Fact]
    public async Task A_state_URL_holding_a_password_exits_2_naming_state_without_printing_it()
    {
        var run = await RunAsync("--state", $"postgres://hsmwallet:{postgres.AppPassword}@127.0.0.1:{postgres.Port}/x");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("hsmwallet-mcp: --state:", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(postgres.AppPassword, run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_never_migrated_stops_the_start_saying_to_migrate_and_a_migrated_one_serves()
    {
        var database = postgres.CreateDatabase();
        var credential = Credential();

        var refused = await RunAsync("--state", postgres.Url(database), "--state-credential", credential);
        var migrated = CliProcess.Run(null, "state", "migrate", "--state", postgres.Url(database), "--state-credential", credential, "--json");
        var served = await RunAsync("--state", postgres.Url(database), "--state-credential", credential);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"127.0.0.1:{postgres.Port}/{database}", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("run `hsmwallet state migrate`", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, migrated.ExitCode);
        Assert.Equal(0, served.ExitCode);
        Assert.DoesNotContain(postgres.AppPassword, refused.Stderr + served.Stderr, StringComparison.Ordinal);
    }

    private string Credential()
    {
        var path = Path.Combine(scratch.Path, "state.pw");
        File.WriteAllText(path, postgres.AppPassword);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    // The server on a fresh home with stdin closed at once: it starts, finds the client gone, and exits.
    private async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] extra)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[Path.Combine(AppContext.BaseDirectory, "hsmwallet-mcp.dll"), "--home", Path.Combine(scratch.Path, "home"), "--network", "testnet", .. extra])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("CREDENTIALS_DIRECTORY");
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>A state store failure reaches the agent as server_unavailable with no word of where the database is.</summary>
public sealed class StateStoreErrorBodyTests
{
    [Fact]
    public void A_state_store_failure_is_server_unavailable_without_the_database_address()
    {
        var error = new HsmWallet.Core.State.StateStoreException("state store db.internal:5432/hsmwallet: could not lock it: no answer in time");

        var result = Pipeline.ErrorBodies.From(error, "cid-1", out var code);
        var text = System.Text.Json.JsonSerializer.Serialize(result);

        Assert.Equal("server_unavailable", code);
        Assert.True(result.IsError);
        Assert.Contains("nothing was signed", text, StringComparison.Ordinal);
        Assert.DoesNotContain("db.internal", text, StringComparison.Ordinal);
        Assert.False(Composition.ServerStartup.Lasts(error));
    }
}
