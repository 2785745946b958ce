using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HsmWallet.Core.Audit;

/// <summary>
/// One line of the audit log as the spec's AuditLogEntry: the event, its place in the chain and
/// the HMAC that ties it to the previous entry.
/// </summary>
/// <param name="Id">A random UUID (version 4).</param>
/// <param name="Sequence">The position in the chain, starting at 1 and never reused.</param>
/// <param name="Timestamp">When the entry was written, kept as its ISO 8601 UTC text.</param>
/// <param name="EventType">The kind of event.</param>
/// <param name="ToolName">The MCP tool or CLI verb.</param>
/// <param name="CorrelationId">Links the entries of one request.</param>
/// <param name="Actor">Who asked.</param>
/// <param name="Operation">What was asked and how it ended.</param>
/// <param name="PreviousHash">The previous entry's hash (lowercase hex), or the genesis hash for sequence 1.</param>
/// <param name="Hash">HMAC-SHA256 (lowercase hex) over the canonical JSON of this entry without its hash.</param>
public sealed record AuditEntry(
    Guid Id,
    long Sequence,
    string Timestamp,
    AuditEventType EventType,
    string ToolName,
    string CorrelationId,
    AuditActor Actor,
    AuditOperation Operation,
    string PreviousHash,
    string Hash)
{
    /// <summary>The previousHash of the first entry: lowercase hex SHA-256 of "GENESIS", as the spec fixes it.</summary>
    public const string GenesisHash = "901131d838b17aac0f7885b81e03cbdc9f5157a00343d30ab22083685ed1416a";

    /// <summary>The timestamp format: ISO 8601 in UTC with milliseconds, e.g. 2026-11-29T04:03:11.123Z.</summary>
    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>Formats a moment as an entry timestamp.</summary>
    public static string FormatTimestamp(DateTimeOffset moment) =>
        moment.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    /// <summary>Builds the JSON object of the entry; without the hash it is what the HMAC covers.</summary>
    public JsonObject ToJson(bool includeHash = true)
    {
        var actor = new JsonObject { ["type"] = Actor.Type.ToWire() };
        if (Actor.Id is not null)
        {
            actor["id"] = Actor.Id;
        }

        var operation = new JsonObject
        {
            ["name"] = Operation.Name,
            ["parameters"] = Operation.Parameters.DeepClone(),
            ["result"] = Operation.Result.ToWire(),
        };
        if (Operation.ErrorCode is not null)
        {
            operation["errorCode"] = Operation.ErrorCode;
        }

        var json = new JsonObject
        {
            ["id"] = Id.ToString("D"),
            ["sequence"] = Sequence,
            ["timestamp"] = Timestamp,
            ["eventType"] = EventType.ToWire(),
            ["toolName"] = ToolName,
            ["correlationId"] = CorrelationId,
            ["actor"] = actor,
            ["operation"] = operation,
            ["previousHash"] = PreviousHash,
        };
        if (includeHash)
        {
            json["hash"] = Hash;
        }

        return json;
    }

    /// <summary>Reads an entry from one log line; throws InvalidInputException naming the field that is wrong.</summary>
    public static AuditEntry Parse(ReadOnlySpan<byte> line)
    {
        // The JSON reader leaves string contents undecoded until read, so bytes that are not UTF-8 (or a key given
        // twice) would surface later as errors naming no field; both are refused here (found by fuzzing).
        if (!System.Text.Unicode.Utf8.IsValid(line))
        {
            throw new InvalidInputException("audit_entry", "must be UTF-8 text");
        }

        JsonObject json;
        try
        {
            json = JsonNode.Parse(line, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject
                ?? throw new InvalidInputException("audit_entry", "must be a JSON object");
        }
        catch (JsonException exception)
        {
            throw new InvalidInputException("audit_entry", "must be valid JSON with each key given once", exception);
        }

        return FromJson(json);
    }

    /// <summary>Reads an entry from its JSON object.</summary>
    public static AuditEntry FromJson(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var actor = Object(json, "actor");
        var operation = Object(json, "operation");
        var parameters = operation["parameters"] as JsonObject ?? throw new InvalidInputException("operation.parameters", "must be an object");
        var sequence = json["sequence"] is JsonValue sequenceValue && sequenceValue.TryGetValue<long>(out var number)
            ? number
            : throw new InvalidInputException("sequence", "must be an integer");
        return new AuditEntry(
            Guid.TryParse(Text(json, "id"), out var id) ? id : throw new InvalidInputException("id", "must be a UUID"),
            sequence,
            Text(json, "timestamp"),
            AuditWireNames.ParseEventType(Text(json, "eventType")),
            Text(json, "toolName"),
            Text(json, "correlationId"),
            new AuditActor(AuditWireNames.ParseActorType(Text(actor, "type", "actor.")), OptionalText(actor, "id", "actor.")),
            new AuditOperation(
                Text(operation, "name", "operation."),
                (JsonObject)parameters.DeepClone(),
                AuditWireNames.ParseResult(Text(operation, "result", "operation.")),
                OptionalText(operation, "errorCode", "operation.")),
            Text(json, "previousHash"),
            Text(json, "hash"));
    }

    private static JsonObject Object(JsonObject json, string name) =>
        json[name] as JsonObject ?? throw new InvalidInputException(name, "must be an object");

    private static string Text(JsonObject json, string name, string prefix = "") =>
        OptionalText(json, name, prefix) ?? throw new InvalidInputException(prefix + name, "must be present");

    private static string? OptionalText(JsonObject json, string name, string prefix = "")
    {
        var node = json[name];
        if (node is null)
        {
            return null;
        }

        return node is JsonValue value && value.TryGetValue<string>(out var text)
            ? text
            : throw new InvalidInputException(prefix + name, "must be a string");
    }
}
