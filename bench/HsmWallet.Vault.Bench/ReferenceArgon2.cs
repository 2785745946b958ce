using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace HsmWallet.Vault.Bench;

/// <summary>
/// Runs the reference C `argon2` tool (Debian package `argon2`). Its own "N seconds" line is clock(): the
/// CPU time of one hash summed over threads; with `-r` it hashes once, so the process's wall time is one
/// hash plus a process start of about a millisecond.
/// </summary>
internal static partial class ReferenceArgon2
{
    /// <summary>Wall time of `argon2 ... -r` (one hash), or null when the tool is missing.</summary>
    public static double? WallMilliseconds(int memoryKib, int iterations, int parallelism)
    {
        var watch = Stopwatch.StartNew();
        return Run(memoryKib, iterations, parallelism, raw: true) is null ? null : watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>CPU time of one hash as the tool reports it, or null when the tool is missing.</summary>
    public static double? CpuMilliseconds(int memoryKib, int iterations, int parallelism)
    {
        var output = Run(memoryKib, iterations, parallelism, raw: false);
        var match = output is null ? null : SecondsLine().Match(output);
        return match is { Success: true } ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * 1000 : null;
    }

    private static string? Run(int memoryKib, int iterations, int parallelism, bool raw)
    {
        try
        {
            var start = new ProcessStartInfo("argon2")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { "somesaltsomesaltsomesaltsomesalt", "-id", "-t", iterations.ToString(CultureInfo.InvariantCulture), "-k", memoryKib.ToString(CultureInfo.InvariantCulture), "-p", parallelism.ToString(CultureInfo.InvariantCulture), "-l", "32" })
            {
                start.ArgumentList.Add(argument);
            }

            if (raw)
            {
                start.ArgumentList.Add("-r");
            }

            using var process = Process.Start(start)!;
            process.StandardInput.Write("bench password");
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    [GeneratedRegex(@"([0-9.]+) seconds")]
    private static partial Regex SecondsLine();
}
