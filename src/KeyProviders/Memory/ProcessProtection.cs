using System.Runtime.InteropServices;
using System.Text;

namespace HsmWallet.KeyProviders.Memory;

/// <summary>
/// Process-wide protections a long-running host holding secrets applies at start (Linux): not dumpable, so no
/// core file and no same-user /proc/PID/mem, ptrace or dump tool can read its memory; and a restart of the
/// process image with a changed environment, for runtime settings that only the environment can carry.
/// </summary>
public static partial class ProcessProtection
{
    private const int PrSetDumpable = 4;
    private const int PrGetDumpable = 3;

    /// <summary>True while the kernel would let this process dump core and let same-user tools read its memory.</summary>
    public static bool IsDumpable => OperatingSystem.IsLinux() && GetDumpable(PrGetDumpable, 0, 0, 0, 0) != 0;

    /// <summary>
    /// Marks the process not dumpable (prctl PR_SET_DUMPABLE 0): no core file, and /proc/PID files become root's, so
    /// another process of the same user can neither read its memory nor attach to it. Returns false if the flag did not stick.
    /// </summary>
    public static bool MakeNotDumpable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        return SetDumpable(PrSetDumpable, 0, 0, 0, 0) == 0 && !IsDumpable;
    }

    /// <summary>
    /// Replaces the process image with the same program and arguments (/proc/self/cmdline) and the current
    /// environment changed by <paramref name="environmentChanges"/> (a null value removes the variable). The process
    /// keeps its PID and its open standard streams. Returns only on failure, with the errno.
    /// </summary>
    public static int RestartWithEnvironment(IReadOnlyDictionary<string, string?> environmentChanges)
    {
        ArgumentNullException.ThrowIfNull(environmentChanges);
        var program = Environment.ProcessPath;
        if (!OperatingSystem.IsLinux() || program is null)
        {
            return -1;
        }

        var arguments = File.ReadAllBytes("/proc/self/cmdline");
        var argv = Split(arguments);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && entry.Value is string value)
            {
                environment[key] = value;
            }
        }

        foreach (var (key, value) in environmentChanges)
        {
            if (value is null)
            {
                environment.Remove(key);
            }
            else
            {
                environment[key] = value;
            }
        }

        var allocated = new List<IntPtr>();
        try
        {
            var argvPointers = Pointers(argv, allocated);
            var envPointers = Pointers(environment.Select(pair => $"{pair.Key}={pair.Value}"), allocated);
            _ = Execute(program, argvPointers, envPointers);
            return Marshal.GetLastPInvokeError();
        }
        finally
        {
            foreach (var pointer in allocated)
            {
                Marshal.FreeCoTaskMem(pointer);
            }
        }
    }

    private static List<string> Split(byte[] nulSeparated)
    {
        var parts = new List<string>();
        var start = 0;
        for (var index = 0; index < nulSeparated.Length; index++)
        {
            if (nulSeparated[index] == 0)
            {
                parts.Add(Encoding.UTF8.GetString(nulSeparated, start, index - start));
                start = index + 1;
            }
        }

        if (start < nulSeparated.Length)
        {
            parts.Add(Encoding.UTF8.GetString(nulSeparated, start, nulSeparated.Length - start));
        }

        return parts;
    }

    private static IntPtr[] Pointers(IEnumerable<string> values, List<IntPtr> allocated)
    {
        var pointers = new List<IntPtr>();
        foreach (var value in values)
        {
            var pointer = Marshal.StringToCoTaskMemUTF8(value);
            allocated.Add(pointer);
            pointers.Add(pointer);
        }

        pointers.Add(IntPtr.Zero);
        return [.. pointers];
    }

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int SetDumpable(int option, nuint value, nuint unused2, nuint unused3, nuint unused4);

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int GetDumpable(int option, nuint unused1, nuint unused2, nuint unused3, nuint unused4);

    [LibraryImport("libc", EntryPoint = "execve", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Execute(string path, IntPtr[] argv, IntPtr[] envp);
}
