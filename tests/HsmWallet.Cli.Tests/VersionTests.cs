using HsmWallet.Cli.Tests.Support;

namespace HsmWallet.Cli.Tests;

public class VersionTests
{
    [Fact]
    public void Version_prints_the_tool_version()
    {
        var result = CliProcess.Run(null, "--version");
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("0.1.0", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_verb_is_a_usage_error_with_exit_2_and_a_json_error_on_request()
    {
        var result = CliProcess.Run(null, "frobnicate", "--json");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("\"invalid_input\"", result.Stdout, StringComparison.Ordinal);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
