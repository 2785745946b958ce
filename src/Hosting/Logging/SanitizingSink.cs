using HsmWallet.Core.Audit;
using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace HsmWallet.Hosting.Logging;

/// <summary>
/// Rewrites every event before any sink sees it: the message template text, every property value (strings
/// through <see cref="LogText.Clean"/>, properties named like secrets replaced whole) and the
/// exception (its text sanitized), so no log call can carry a secret to stderr or the file.
/// </summary>
internal sealed class SanitizingSink(Serilog.Core.Logger inner) : ILogEventSink, IDisposable
{
    private static readonly MessageTemplateParser Parser = new();

    /// <inheritdoc />
    public void Emit(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        var text = logEvent.MessageTemplate.Text;
        var sanitizedText = LogText.Clean(text);
        var template = string.Equals(text, sanitizedText, StringComparison.Ordinal) ? logEvent.MessageTemplate : Parser.Parse(sanitizedText);
        var properties = new List<LogEventProperty>(logEvent.Properties.Count);
        foreach (var (name, value) in logEvent.Properties)
        {
            properties.Add(new LogEventProperty(name, Sanitize(name, value, depth: 0)));
        }

        var exception = logEvent.Exception is null ? null : new SanitizedException(logEvent.Exception);
        inner.Write(new LogEvent(logEvent.Timestamp, logEvent.Level, exception, template, properties));
    }

    /// <summary>Flushes and closes the console and file sinks.</summary>
    public void Dispose() => inner.Dispose();

    private static LogEventPropertyValue Sanitize(string? name, LogEventPropertyValue value, int depth)
    {
        if (name is not null && AuditSanitizer.IsSecretName(name))
        {
            return new ScalarValue(AuditSanitizer.Redacted);
        }

        if (depth > 8)
        {
            return new ScalarValue(AuditSanitizer.Omitted);
        }

        switch (value)
        {
            case ScalarValue { Value: string text }:
                return new ScalarValue(LogText.Clean(text));
            case ScalarValue { Value: null or bool or byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal or DateTime or DateTimeOffset or TimeSpan or Guid or Enum } scalar:
                return scalar;
            case ScalarValue scalar:
                // Anything else is rendered through its ToString: sanitize that text, not the object.
                return new ScalarValue(LogText.Clean(Convert.ToString(scalar.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty));
            case SequenceValue sequence:
                return new SequenceValue(sequence.Elements.Select(element => Sanitize(null, element, depth + 1)));
            case StructureValue structure:
                return new StructureValue(
                    structure.Properties.Select(property => new LogEventProperty(property.Name, Sanitize(property.Name, property.Value, depth + 1))),
                    structure.TypeTag);
            case DictionaryValue dictionary:
                return new DictionaryValue(dictionary.Elements.Select(pair => new KeyValuePair<ScalarValue, LogEventPropertyValue>(
                    (ScalarValue)Sanitize(null, pair.Key, depth + 1),
                    Sanitize(pair.Key.Value as string, pair.Value, depth + 1))));
            default:
                return new ScalarValue(AuditSanitizer.Omitted);
        }
    }
}
