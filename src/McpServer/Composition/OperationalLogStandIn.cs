using Serilog;
using Serilog.Events;

namespace HsmWallet.McpServer.Composition;

/// <summary>
/// Stand-in for HsmWallet.Hosting.Logging.OperationalLog until it lands on main: a Serilog logger writing to
/// stderr and to a daily file under the home's logs/ folder, never stdout (stdout is the MCP channel).
/// </summary>
public static class OperationalLogStandIn
{
    /// <summary>The logger for <paramref name="processName"/>; <paramref name="stderr"/> replaces the process's stderr in tests.</summary>
    public static ILogger Create(string homePath, string processName, TextWriter? stderr = null)
    {
        var logs = Path.Combine(homePath, "logs");
        HsmWallet.Core.Secrets.Files.ProtectedFile.EnsurePrivateDirectory(logs);
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("ModelContextProtocol", LogEventLevel.Warning)
            .WriteTo.File(Path.Combine(logs, $"{processName}-.log"), rollingInterval: RollingInterval.Day, retainedFileCountLimit: 14, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        configuration = stderr is null
            ? configuration.WriteTo.Console(standardErrorFromLevel: LogEventLevel.Verbose, formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            : configuration.WriteTo.Sink(new WriterSink(stderr));
        return configuration.CreateLogger();
    }

    private sealed class WriterSink(TextWriter writer) : Serilog.Core.ILogEventSink
    {
        public void Emit(LogEvent logEvent)
        {
            lock (writer)
            {
                writer.WriteLine($"[{logEvent.Level}] {logEvent.RenderMessage(System.Globalization.CultureInfo.InvariantCulture)}");
            }
        }
    }
}
