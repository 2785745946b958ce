using System.Diagnostics;
using System.Text.Json.Nodes;
using HsmWallet.Browser.Tests.Support;

namespace HsmWallet.Browser.Tests;

/// <summary>`hsmwallet approver add | list | remove` as an operator runs them, the passkey created in chromium.</summary>
public sealed class ApproverCommandTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Approver_add_prints_a_local_page_where_the_passkey_is_created_then_list_shows_it_and_the_last_is_removed_only_after_a_weaker_mode_is_chosen()
    {
        using var home = new PasskeyHome();
        var root = home.Vault.Home.Root;

        var start = Start("approver", "add", "bob", "--home", root, "--json");
        using (var add = Process.Start(start)!)
        {
            var stdout = add.StandardOutput.ReadToEndAsync();
            string? url = null;
            while (url is null && await add.StandardError.ReadLineAsync() is { } line)
            {
                url = line.StartsWith("http://localhost:", StringComparison.Ordinal) ? line : null;
            }

            Assert.NotNull(url);
            await fixture.Browser.NavigateAsync(new Uri(url));
            Assert.Equal("Enrolled bob.", await fixture.Browser.ClickAndReadStatusAsync("enrol"));
            await add.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(0, add.ExitCode);
            Assert.Equal("bob", JsonNode.Parse(await stdout)!["name"]!.GetValue<string>());
        }

        var listed = Run("approver", "list", "--home", root, "--json");
        Assert.Equal("bob", listed["approvers"]!.AsArray().Single()!["name"]!.GetValue<string>());
        Assert.Equal("bob", Assert.Single(home.Approvers.List()).Name);

        // The last approver goes only once the operator chose a weaker mode on purpose: approvals never weaken silently.
        Assert.Contains("last enrolled approver", RunFailing("approver", "remove", "bob", "--home", root, "--json"), StringComparison.Ordinal);
        Assert.Equal("passkey", Run("approver", "mode", "--home", root, "--json")["mode"]!.GetValue<string>());
        Run("approver", "mode", "operator", "--home", root, "--json");
        Run("approver", "remove", "bob", "--home", root, "--json");
        Assert.Empty(Run("approver", "list", "--home", root, "--json")["approvers"]!.AsArray());
        Assert.Empty(home.Approvers.List());
    }

    private static ProcessStartInfo Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hsmwallet.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    private static string RunFailing(params string[] args)
    {
        using var process = Process.Start(Start(args))!;
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "hsmwallet did not finish");
        Assert.NotEqual(0, process.ExitCode);
        return stderr.Result;
    }

    private static JsonNode Run(params string[] args)
    {
        using var process = Process.Start(Start(args))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "hsmwallet did not finish");
        Assert.True(process.ExitCode == 0, stderr.Result);
        return JsonNode.Parse(stdout.Result)!;
    }
}
