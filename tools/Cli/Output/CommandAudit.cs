using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Vault;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Signing;
using HsmWallet.Core.Vault;
using HsmWallet.Hosting.Audit;

namespace HsmWallet.Cli.Output;

/// <summary>
/// How a verb is audited. The rule, the same for every verb: the use case records every outcome it decides (the
/// wallet use cases their success, the signing path its success and refusals, with the same entries whichever front
/// end asked); the command records its "started" entry and whatever the use case did not: a failure, and the success
/// of a verb whose use case does not audit itself.
/// </summary>
/// <param name="EventType">The verb's audit event, or null when the command writes no entry.</param>
/// <param name="RecordsSuccess">True when the command writes the success entry (its use case does not).</param>
internal sealed record CommandAuditing(AuditEventType? EventType, bool RecordsSuccess)
{
    /// <summary>No entry from the command (a read, or a use case that records every outcome itself).</summary>
    public static CommandAuditing None { get; } = new(null, false);
}

/// <summary>
/// The audit record of one command line: a "started" entry appended at the unlock, before the command
/// changes anything, and a result entry (success unless the use case writes it, or failure with its error code)
/// appended before the command prints. Its correlation id and tool name are the command's operation context.
/// </summary>
internal sealed class CommandAudit
{
    private static readonly HashSet<string> OutcomeFields = new(StringComparer.Ordinal)
    {
        "address", "name", "public_key", "key_type", "network", "removed", "deleted", "opened_by", "kind", "path", "sha256", "vault", "id", "state", "expires_at", "policy_sha256",
    };

    private readonly AuditEventType? eventType;
    private readonly bool recordsSuccess;
    private readonly string toolName;
    private readonly string operationName;
    private readonly JsonObject parameters;
    private AuditSession? session;
    private Func<UnlockOptions>? unlock;

    /// <summary>Starts the record of a command, audited as <paramref name="auditing"/> says.</summary>
    public CommandAudit(ParseResult? parse, CommandAuditing auditing)
    {
        ArgumentNullException.ThrowIfNull(auditing);
        eventType = auditing.EventType;
        recordsSuccess = auditing.RecordsSuccess;
        var path = parse is null ? [] : CommandPath(parse.CommandResult);
        toolName = string.Join(' ', ["hsmwallet", .. path]);
        operationName = path.Count == 0 ? "hsmwallet" : string.Join('_', path);
        parameters = parse is null || eventType is null ? [] : Parameters(parse);
        Operation = new OperationContext(CorrelationId, CliHome.Actor, toolName);
    }

    /// <summary>The operation context the command's use cases record under: this command's correlation id, the CLI's actor, the command as typed.</summary>
    public OperationContext Operation { get; }

    /// <summary>Links this command's entries in the log (and names the failure a user reports).</summary>
    public string CorrelationId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The command as typed, e.g. "hsmwallet wallet create".</summary>
    public string ToolName => toolName;

    /// <summary>The home of the vault the command opened, or null when it opened none.</summary>
    public string? HomePath => session is null ? null : Path.GetDirectoryName(session.Folder);

    /// <summary>True when this command writes audit entries.</summary>
    public bool IsAudited => eventType is not null;

    /// <summary>Takes the audit session of the application the command opened, and queues the "started" entry for its unlock.</summary>
    public void Attach(AuditSession auditSession, Func<UnlockOptions> unlockOptions)
    {
        if (session is not null)
        {
            return;
        }

        session = auditSession;
        unlock = unlockOptions;
        if (eventType is not null)
        {
            auditSession.AppendBeforeOperation(Event(AuditResult.Started, null, parameters));
        }
    }

    /// <summary>Appends the success entry (unlocking first if the command never did), unless the use case wrote it; throws when it cannot.</summary>
    public void RecordSuccess(JsonNode result)
    {
        if (eventType is null || !recordsSuccess)
        {
            return;
        }

        var auditSession = session ?? throw new AuditWriteException("audit: the command did not open the vault's audit log");
        if (!auditSession.IsOpen)
        {
            auditSession.EnsureOpen(unlock!());
        }

        var recorded = (JsonObject)parameters.DeepClone();
        recorded["outcome"] = Outcome(result);
        auditSession.Append(Event(AuditResult.Success, null, recorded));
    }

    /// <summary>
    /// Appends the failure entry with its error code when the vault was unlocked in this process; a command
    /// that failed before any unlock (bad input, a wrong password) has no key to record with.
    /// </summary>
    public void RecordFailure(string errorCode)
    {
        if (eventType is null || session is not { SawUnlock: true } auditSession)
        {
            return;
        }

        if (!auditSession.IsOpen)
        {
            auditSession.EnsureOpen(unlock!());
        }

        var denied = errorCode is "locked_out" or "policy_denied" or "approval_declined" or "declined" or "rate_limited";
        auditSession.Append(Event(denied ? AuditResult.Denied : AuditResult.Failure, errorCode, parameters));
    }

    private AuditEvent Event(AuditResult result, string? errorCode, JsonObject recorded) => new(
        eventType!.Value,
        toolName,
        CorrelationId,
        CliHome.Actor,
        operationName,
        recorded,
        result,
        errorCode);

    private static List<string> CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? current = command; current is CommandResult result && result.Parent is not null; current = current.Parent)
        {
            names.Insert(0, result.Command.Name);
        }

        return names;
    }

    /// <summary>The options and arguments given on the line (values as typed; secrets never come on the line, and the writer sanitizes again).</summary>
    private static JsonObject Parameters(ParseResult parse)
    {
        var recorded = new JsonObject();
        for (var current = parse.CommandResult; current is not null; current = current.Parent as CommandResult)
        {
            foreach (var child in current.Children)
            {
                var (name, tokens) = child switch
                {
                    OptionResult option when !option.Implicit => (JsonStyle.SnakeCase(option.Option.Name.TrimStart('-').Replace('-', '_')), option.Tokens),
                    ArgumentResult argument => (JsonStyle.SnakeCase(argument.Argument.Name), argument.Tokens),
                    _ => (null, null),
                };
                if (name is null || tokens is null || recorded.ContainsKey(name))
                {
                    continue;
                }

                recorded[name] = tokens.Count == 0 ? true : string.Join(' ', tokens.Select(token => token.Value));
            }
        }

        return recorded;
    }

    /// <summary>The public facts of a result worth keeping (address, slot ids and kinds...), never the whole output.</summary>
    private static JsonObject Outcome(JsonNode result)
    {
        var outcome = new JsonObject();
        if (result is not JsonObject fields)
        {
            return outcome;
        }

        foreach (var (name, value) in fields)
        {
            if (OutcomeFields.Contains(name) && value is JsonValue)
            {
                outcome[name] = value.DeepClone();
            }
        }

        if (fields["slots"] is JsonArray slots)
        {
            outcome["slots"] = new JsonArray([.. slots.OfType<JsonObject>().Select(slot => (JsonNode)new JsonObject
            {
                ["id"] = slot["id"]?.DeepClone(),
                ["kind"] = slot["kind"]?.DeepClone(),
            })]);
        }

        return outcome;
    }
}
