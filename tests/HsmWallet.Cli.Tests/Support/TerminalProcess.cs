using System.Diagnostics;

namespace HsmWallet.Cli.Tests.Support;

/// <summary>
/// Runs the built hsmwallet on a pseudo-terminal (util-linux `script`), the way an operator at a terminal does:
/// stdin is a TTY, and <c>typed</c> is what the person types. stdout and stderr arrive merged, as on a screen.
/// </summary>
public static class TerminalProcess
{
    public static CliProcess.Result Run(string typed, params string[] args) => Start(typed, null, args);

    /// <summary>As <see cref="Run"/>, with stdout redirected to <paramref name="stdoutFile"/>: the terminal then shows stderr alone.</summary>
    public static CliProcess.Result RunWithStdoutTo(string stdoutFile, string typed, params string[] args) => Start(typed, stdoutFile, args);

    private static CliProcess.Result Start(string typed, string? stdoutFile, string[] args)
    {
        var command = string.Join(' ', new[] { "dotnet", Path.Combine(AppContext.BaseDirectory, "hsmwallet.dll") }.Concat(args).Select(Quote));
        if (stdoutFile is not null)
        {
            command += " > " + Quote(stdoutFile);
        }

        var start = new ProcessStartInfo("script")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in new[] { "--quiet", "--return", "--command", command, "/dev/null" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(typed);
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"hsmwallet {string.Join(' ', args)} did not finish on the terminal");
        }

        return new CliProcess.Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string Quote(string argument) => "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
