using System.Diagnostics;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Tests.Support;

namespace HsmWallet.Cli.Tests;

/// <summary>What helps an operator at a terminal: an example in every verb's help, shell completion, and a spinner on stderr.</summary>
public sealed class OperatorAidsTests
{
    [Fact]
    public void Every_command_that_runs_something_shows_an_example_in_its_help()
    {
        var context = new CliContext(() => Stream.Null, TextWriter.Null, TextWriter.Null, false);
        var commands = CommandExamples.Walk(CliApplication.BuildRoot(context), string.Empty)
            .Where(entry => entry.Command.Subcommands.Count == 0 || entry.Command.Action is not null)
            .Select(entry => entry.Path)
            .ToList();

        var missing = new List<string>();
        foreach (var path in commands)
        {
            using var output = new StringWriter();
            var exit = CliApplication.Run([.. path.Split(' '), "--help"], () => Stream.Null, output, TextWriter.Null, false);
            if (exit != 0 || !output.ToString().Contains("Example", StringComparison.Ordinal))
            {
                missing.Add(path);
            }
        }

        Assert.Contains("wallet list", commands);
        Assert.Contains("completion", commands);
        Assert.True(missing.Count == 0, "no example in --help: " + string.Join(", ", missing));
    }

    [Fact]
    public void The_bash_completion_script_registers_hsmwallet_and_completes_verbs_and_subcommands()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "hsmwallet.dll");
        var script = $$"""
            source <(dotnet '{{dll}}' completion bash)
            complete -p hsmwallet
            COMP_WORDS=(hsmwallet wal); COMP_CWORD=1; _hsmwallet; echo "first: ${COMPREPLY[*]}"
            COMP_WORDS=(hsmwallet --home /tmp/h wallet li); COMP_CWORD=4; _hsmwallet; echo "second: ${COMPREPLY[*]}"
            COMP_WORDS=(hsmwallet tx submit --no); COMP_CWORD=3; _hsmwallet; echo "option: ${COMPREPLY[*]}"
            """;

        var result = Shell("bash", script);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("complete -F _hsmwallet hsmwallet", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("first: wallet", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("second: list limit", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("option: --no-wait", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_zsh_completion_script_loads_the_same_function_through_bashcompinit()
    {
        var result = CliProcess.Run(null, "completion", "zsh");
        var refused = CliProcess.Run(null, "completion", "fish");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("bashcompinit", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("complete -F _hsmwallet hsmwallet", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, refused.ExitCode);
    }

    [Fact]
    public void A_slow_unlock_shows_a_spinner_on_a_terminals_stderr_and_nothing_on_stdout_or_without_a_terminal()
    {
        using var home = new VaultHome();
        var password = home.SecretFile("password", "correct horse battery\n");
        // An Argon2id cost that takes well over half a second on any machine.
        home.RunOk(null, "init", "--unlocker", "password", "--password-file", password, "--kdf-memory", "256", "--kdf-iterations", "4", "--kdf-parallelism", "1");
        var stdout = Path.Combine(home.Scratch, "stdout.json");

        var terminal = TerminalProcess.RunWithStdoutTo(stdout, string.Empty, "wallet", "list", "--json", "--home", home.Home, "--password-file", password);
        var redirected = CliProcess.Run(null, "wallet", "list", "--json", "--home", home.Home, "--password-file", password);

        Assert.Equal(0, terminal.ExitCode);
        Assert.Contains("hsmwallet: working", terminal.Stdout, StringComparison.Ordinal);
        var printed = File.ReadAllText(stdout);
        Assert.NotNull(JsonNode.Parse(printed)!["wallets"]);
        Assert.DoesNotContain("working", printed, StringComparison.Ordinal);
        Assert.Equal(0, redirected.ExitCode);
        Assert.NotNull(JsonNode.Parse(redirected.Stdout)!["wallets"]);
        Assert.DoesNotContain("working", redirected.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", redirected.Stderr, StringComparison.Ordinal);
    }

    private static CliProcess.Result Shell(string shell, string script)
    {
        var start = new ProcessStartInfo(shell) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the completion script did not finish");
        }

        return new CliProcess.Result(process.ExitCode, output.Result, error.Result);
    }
}
