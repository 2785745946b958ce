using Serilog;
using Serilog.Events;
using Serilog.Formatting.Display;
using Serilog.Formatting.Json;
using Serilog.Sinks.SystemConsole.Themes;

namespace HsmWallet.Hosting.Logging;

/// <summary>
/// The operational log of a host (not the audit log): structured events to stderr, never stdout (the MCP
/// server's stdout is the protocol), and to a rolling owner-only file under the home; every event passes the
/// audit sanitizer first, so even a careless log call cannot write a seed, a key, a mnemonic or a password.
/// </summary>
public static class OperationalLog
{
    /// <summary>The property a host pushes (LogContext.PushProperty) to link log lines to audit entries.</summary>
    public const string CorrelationIdProperty = "CorrelationId";

    /// <summary>How many daily (or size-rolled) files are kept before the oldest is deleted.</summary>
    public const int RetainedFileCount = 14;

    /// <summary>The size at which a log file is closed and the next one started (10 MiB).</summary>
    public const long FileSizeLimitBytes = 10L * 1024 * 1024;

    private const string StderrTemplate = "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffZ} {Level:u3} [{CorrelationId}] {Message:lj}{NewLine}{Exception}";

    /// <summary>The logs folder of a home: `&lt;home&gt;/logs`.</summary>
    public static string Folder(string homePath) => Path.Combine(homePath, "logs");

    /// <summary>
    /// Creates the logger of one process: stderr (or <paramref name="stderr"/>) plus `&lt;home&gt;/logs/&lt;processName&gt;-DATE.log`
    /// (folder 0700, files 0600, <see cref="RetainedFileCount"/> kept), both after sanitizing.
    /// </summary>
    public static Serilog.Core.Logger Create(string homePath, string processName, TextWriter? stderr = null, LogEventLevel minimum = LogEventLevel.Information)
    {
        ArgumentException.ThrowIfNullOrEmpty(homePath);
        ArgumentException.ThrowIfNullOrEmpty(processName);
        if (processName.AsSpan().IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || processName.Contains('.', StringComparison.Ordinal))
        {
            throw new Core.InvalidInputException("processName", "must be a plain file name without dots");
        }

        var folder = Folder(Path.GetFullPath(homePath));
        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, OwnerOnly.Directory);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, OwnerOnly.Directory);
            RepairFileModes(folder);
        }

        var sinks = new LoggerConfiguration().MinimumLevel.Verbose();
        sinks = stderr is null
            ? sinks.WriteTo.Console(outputTemplate: StderrTemplate, standardErrorFromLevel: LogEventLevel.Verbose, theme: ConsoleTheme.None, formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            : sinks.WriteTo.Sink(new TextWriterSink(stderr, new MessageTemplateTextFormatter(StderrTemplate, System.Globalization.CultureInfo.InvariantCulture)));
        var inner = sinks.WriteTo.File(
                new JsonFormatter(renderMessage: true, formatProvider: System.Globalization.CultureInfo.InvariantCulture),
                Path.Combine(folder, processName + "-.log"),
                fileSizeLimitBytes: FileSizeLimitBytes,
                rollingInterval: RollingInterval.Day,
                rollOnFileSizeLimit: true,
                retainedFileCountLimit: RetainedFileCount,
                hooks: new OwnerOnlyFileHooks())
            .CreateLogger();

        // Framework chatter (hosting, the MCP SDK) only from warnings up, whatever the host's own level.
        var frameworkMinimum = minimum > LogEventLevel.Warning ? minimum : LogEventLevel.Warning;
        return new LoggerConfiguration()
            .MinimumLevel.Is(minimum)
            .MinimumLevel.Override("Microsoft", frameworkMinimum)
            .MinimumLevel.Override("System", frameworkMinimum)
            .MinimumLevel.Override("ModelContextProtocol", frameworkMinimum)
            .Enrich.FromLogContext()
            .WriteTo.Sink(new SanitizingSink(inner))
            .CreateLogger();
    }

    /// <summary>
    /// Log files left open to others (copied in, restored from a backup, an older version) are made 0600 at every
    /// open; a link or a file of another user in the folder is refused, since the sink would write through it.
    /// </summary>
    private static void RepairFileModes(string folder)
    {
        Core.Secrets.Files.ProtectedFile.CheckDirectory(folder);
        foreach (var path in Directory.EnumerateFiles(folder))
        {
            Core.Secrets.Files.ProtectedFile.RepairFileMode(path);
        }
    }
}
