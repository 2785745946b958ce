using System.Diagnostics;

namespace HsmWallet.Vault.Bench;

/// <summary>Wall and CPU time of one run, and medians.</summary>
internal static class Measure
{
    public static (double Wall, double Cpu) Once(Action action)
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        action();
        var wall = watch.Elapsed.TotalMilliseconds;
        process.Refresh();
        return (wall, (process.TotalProcessorTime - cpu).TotalMilliseconds);
    }

    public static double MedianMilliseconds(int runs, Action action)
    {
        action();
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            times.Add(Once(action).Wall);
        }

        return Median(times);
    }

    public static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
