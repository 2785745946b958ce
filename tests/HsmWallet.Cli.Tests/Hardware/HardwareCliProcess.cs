using System.Diagnostics;
using HsmWallet.Cli.Tests.Support;

namespace HsmWallet.Cli.Tests.Hardware;

/// <summary>Runs the built hsmwallet with extra environment variables (SOFTHSM2_CONF, HSMWALLET_TPM_TCTI) set for the child only.</summary>
public static class HardwareCliProcess
{
    public static CliProcess.Result Run(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hsmwallet.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"hsmwallet {string.Join(' ', args)} did not finish");
        }

        return new CliProcess.Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>A private SoftHSM2 configuration and token folder for the CLI's child processes; no token exists until a test makes one.</summary>
public sealed class PrivateSoftHsm : IDisposable
{
    public const string ModulePath = "/usr/lib/softhsm/libsofthsm2.so";

    public PrivateSoftHsm()
    {
        Root = Directory.CreateTempSubdirectory("hsmwallet-cli-softhsm-").FullName;
        var tokens = System.IO.Path.Combine(Root, "tokens");
        Directory.CreateDirectory(tokens);
        ConfigPath = System.IO.Path.Combine(Root, "softhsm2.conf");
        File.WriteAllText(ConfigPath, $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n");
        Environment = new Dictionary<string, string> { ["SOFTHSM2_CONF"] = ConfigPath };
    }

    public string Root { get; }

    public string ConfigPath { get; }

    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>Writes a secret file with the given mode (0600 unless a test wants it unsafe).</summary>
    public string SecretFile(string name, string content, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        var path = System.IO.Path.Combine(Root, name);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, mode);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
