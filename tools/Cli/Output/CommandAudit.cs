using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json.Nodes;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Vault;
using HsmWallet.Hosting.Audit;

namespace HsmWallet.Cli.Output;

/// <summary>
/// The audit record of one command line: a "started" entry appended at the unlock, before the command
/// changes anything, and a result entry (success, or failure with its error code) appended before the
/// command prints. Also owns the audit session a command opened, so its key is zeroed when the command ends.
/// </summary>
internal sealed class CommandAudit : IDisposable
{
    private static readonly HashSet<string> OutcomeFields = new(StringComparer.Ordinal)
    {
        "address", "name", "public_key", "key_type", "network", "removed", "deleted", "opened_by", "kind", "path", "sha256", "vault", "id", "state", "expires_at",
    };

    private readonly AuditEventType? eventType;
    private readonly string toolName;
    private readonly string operationName;
    private readonly JsonObject parameters;
    private AuditSession? session;
    private Func<UnlockOptions>? unlock;

    /// <summary>Starts the record of a command; <paramref name="eventType"/> null means the command is not audited.</summary>
    public CommandAudit(ParseResult? parse, AuditEventType? eventType)
    {
        this.eventType = eventType;
        var path = parse is null ? [] : CommandPath(parse.CommandResult);
        toolName = string.Join(' ', ["hsmwallet", .. path]);
        operationName = path.Count == 0 ? "hsmwallet" : string.Join('_', path);
        parameters = parse is null || eventType is null ? [] : Parameters(parse);
    }

    /// <summary>Links this command's entries in the log (and names the failure a user reports).</summary>
    public string CorrelationId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The command as typed, e.g. "hsmwallet wallet create".</summary>
    public string ToolName => toolName;

    /// <summary>The home of the vault the command opened, or null when it opened none.</summary>
    public string? HomePath => session is null ? null : Path.GetDirectoryName(session.Folder);

    /// <summary>True when this command writes audit entries.</summary>
    public bool IsAudited => eventType is not null;

    /// <summary>Takes the session of the vault the command opened, and queues the "started" entry for its unlock.</summary>
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

    /// <summary>Appends the success entry (unlocking first if the command never did); throws when it cannot.</summary>
    public void RecordSuccess(JsonNode result)
    {
        if (eventType is null)
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

    /// <summary>Zeroes the audit key the command's session held.</summary>
    public void Dispose() => session?.Dispose();

    private AuditEvent Event(AuditResult result, string? errorCode, JsonObject recorded) => new(
        eventType!.Value,
        toolName,
        CorrelationId,
        new AuditActor(AuditActorType.User, "cli"),
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
