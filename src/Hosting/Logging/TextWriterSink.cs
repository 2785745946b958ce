using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace HsmWallet.Hosting.Logging;

/// <summary>Writes formatted events to a caller's writer (stderr of an in-process test or host) and flushes each one.</summary>
internal sealed class TextWriterSink(TextWriter writer, ITextFormatter formatter) : ILogEventSink
{
    private readonly Lock gate = new();

    /// <inheritdoc />
    public void Emit(LogEvent logEvent)
    {
        lock (gate)
        {
            formatter.Format(logEvent, writer);
            writer.Flush();
        }
    }
}
