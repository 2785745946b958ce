using System.Diagnostics;

namespace HsmWallet.Cli.Tests.Support;

/// <summary>Runs the built hsmwallet as a real process, the way an operator or a script does.</summary>
public static class CliProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(string? stdin, params string[] args) => RunIn(null, stdin, args);

    public static Result RunIn(string? workingDirectory, string? stdin, params string[] args) => Start(workingDirectory, null, stdin, args);

    public static Result RunWithEnvironment(IReadOnlyDictionary<string, string?> environment, string? stdin, params string[] args) =>
        Start(null, environment, stdin, args);

    private static Result Start(string? workingDirectory, IReadOnlyDictionary<string, string?>? environment, string? stdin, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hsmwallet.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }

        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"hsmwallet {string.Join(' ', args)} did not finish");
        }

        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
