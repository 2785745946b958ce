using HsmWallet.KeyProviders.Memory;

namespace HsmWallet.McpServer;

/// <summary>
/// What the server does to its own process before it reads a secret (issue 14.12): it restarts itself once without
/// the .NET diagnostics port unless the operator asked for it, marks itself not dumpable, and locks every secure
/// buffer in memory as the CLI does. A long-lived process holding an unlocked vault must not be readable by a
/// dump tool, a core file or swap.
/// </summary>
public static class ServerProcess
{
    /// <summary>Set to 1 in the server's environment to keep the diagnostics port (dotnet-trace, dotnet-counters).</summary>
    public const string DiagnosticsVariable = "HSMWALLET_MCP_DIAGNOSTICS";

    /// <summary>The runtime's own switch; only the environment at process start can turn the port off.</summary>
    public const string RuntimeDiagnosticsVariable = "DOTNET_EnableDiagnostics";

    /// <summary>
    /// Applies the protections; returns null to go on serving, or the one line to print before exiting 1 when a
    /// protection could not be applied (fail closed). On success without the variable set this call does not return:
    /// the process image is replaced (same PID, same standard streams) and starts again with the port off.
    /// </summary>
    public static string? Protect(Func<string, string?>? getEnvironment = null)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var environment = getEnvironment ?? Environment.GetEnvironmentVariable;
        if (!DiagnosticsRequested(environment) && environment(RuntimeDiagnosticsVariable) != "0" && RuntimeServesDiagnostics())
        {
            RemoveOwnDiagnosticsSockets();
            var errno = ProcessProtection.RestartWithEnvironment(new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                [RuntimeDiagnosticsVariable] = "0",
                ["COMPlus_EnableDiagnostics"] = null,
            });
            return $"could not restart without the .NET diagnostics port (errno {errno}); set {RuntimeDiagnosticsVariable}=0 in the server's environment";
        }

        if (!ProcessProtection.MakeNotDumpable())
        {
            return "could not mark the process not dumpable (prctl PR_SET_DUMPABLE)";
        }

        LibcMemoryLocker.Install();
        return null;
    }

    /// <summary>True when the operator set <see cref="DiagnosticsVariable"/> to 1 for this server.</summary>
    public static bool DiagnosticsRequested(Func<string, string?> getEnvironment)
    {
        ArgumentNullException.ThrowIfNull(getEnvironment);
        return getEnvironment(DiagnosticsVariable) == "1";
    }

    // CoreCLR (the .NET tool) always opens the port before Main. The native AOT binary is built without EventPipe
    // (EventSourceSupport is off), so it has no port, and restarting it would only cost a second start; should a build
    // ever turn it on, its socket is there and the restart happens as for CoreCLR. The temporary folder is only listed
    // when EventPipe can be in the binary at all: listing a busy /tmp cost 35 ms of a 165 ms start (docs/performance.md).
    private static bool RuntimeServesDiagnostics() =>
        System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported
        || (EventPipeMayBeLinked(name => AppContext.TryGetSwitch(name, out var on) ? on : null) && OwnDiagnosticsSockets().Count > 0);

    /// <summary>The runtime switch a build's EventSourceSupport sets (native AOT: EventPipe is linked in only when it is true).</summary>
    internal const string EventSourceSwitch = "System.Diagnostics.Tracing.EventSource.IsSupported";

    /// <summary>
    /// False only when the build turned EventSource off (<see cref="EventSourceSwitch"/> false): a native AOT binary then has
    /// no EventPipe and no diagnostics port. A binary without the switch is treated as having the port, so it is looked for.
    /// </summary>
    internal static bool EventPipeMayBeLinked(Func<string, bool?> appSwitch)
    {
        ArgumentNullException.ThrowIfNull(appSwitch);
        return appSwitch(EventSourceSwitch) != false;
    }

    private static List<string> OwnDiagnosticsSockets()
    {
        try
        {
            return Directory.EnumerateFiles(Path.GetTempPath(), $"dotnet-diagnostic-{Environment.ProcessId}-*-socket").ToList();
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }

    // The runtime created its port before Main; the restarted image does not serve it, so its file goes first
    // (a stale socket would still be listed by the diagnostics tools).
    private static void RemoveOwnDiagnosticsSockets()
    {
        var pattern = $"dotnet-diagnostic-{Environment.ProcessId}-*-socket";
        try
        {
            foreach (var socket in Directory.EnumerateFiles(Path.GetTempPath(), pattern))
            {
                File.Delete(socket);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
