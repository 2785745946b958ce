using System.Diagnostics;
using System.Globalization;

namespace HsmWallet.Core.Secrets.Files;

/// <summary>
/// Test-only fault injection for the crash-consistency harness (docs/testing.md): when the environment variable
/// <c>HSMWALLET_TEST_KILL_AT_WRITE_STEP</c> holds a number N, the process kills itself with SIGKILL at the Nth step of
/// its private-file writes (temporary file half and fully written, renamed, folder synced; audit line before, torn
/// and after), so a test can crash a writer at every point of every write. Off unless set (read once at start-up);
/// whoever can set a process's environment can kill it anyway, so the variable grants nothing.
/// </summary>
internal static class WriteFaults
{
    /// <summary>The variable naming the write step to die at.</summary>
    public const string VariableName = "HSMWALLET_TEST_KILL_AT_WRITE_STEP";

    private static readonly long KillAt = ReadKillAt();
    private static long steps;

    /// <summary>True when a kill point is set; writers then split one write in two so a torn write can be hit.</summary>
    public static bool Enabled => KillAt > 0;

    /// <summary>Counts one write step; at the chosen one, says which on stderr and dies at once (SIGKILL, no cleanup).</summary>
    public static void Step(string what, string path)
    {
        if (KillAt <= 0 || Interlocked.Increment(ref steps) != KillAt)
        {
            return;
        }

        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hsmwallet: test fault injection: killed at write step {KillAt}: {Path.GetFileName(path)} {what}"));
        Console.Error.Flush();
        using var self = Process.GetCurrentProcess();
        self.Kill();
        Thread.Sleep(Timeout.Infinite);
    }

    private static long ReadKillAt() =>
        long.TryParse(Environment.GetEnvironmentVariable(VariableName), NumberStyles.None, CultureInfo.InvariantCulture, out var step) ? step : 0;
}
