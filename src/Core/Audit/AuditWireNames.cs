namespace HsmWallet.Core.Audit;

/// <summary>The fixed strings the audit enums take in files and JSON output, kept in one table so they cannot drift.</summary>
public static class AuditWireNames
{
    private static readonly string[] EventTypes =
    [
        "wallet.create", "wallet.import", "wallet.export", "wallet.delete",
        "key.generate", "key.derive",
        "transaction.sign", "transaction.submit",
        "auth.success", "auth.failure", "auth.lockout",
        "security.rate_limit", "security.invalid_input", "security.suspicious",
        "vault.init", "slot.add", "slot.remove", "slot.test", "policy.change", "approval.grant", "approval.deny", "config.change",
    ];

    private static readonly string[] ActorTypes = ["user", "system", "scheduled"];

    private static readonly string[] Results = ["success", "failure", "denied", "started"];

    private static readonly string[] Problems = ["edited", "deleted", "inserted", "reordered", "truncated", "rolled_back", "unreadable", "missing", "shared_head"];

    /// <summary>Returns the spec's string for an event type, e.g. "transaction.sign".</summary>
    public static string ToWire(this AuditEventType value) => Lookup(EventTypes, (int)value, "eventType");

    /// <summary>Returns the spec's string for an actor type, e.g. "user".</summary>
    public static string ToWire(this AuditActorType value) => Lookup(ActorTypes, (int)value, "actor.type");

    /// <summary>Returns the spec's string for a result, e.g. "denied".</summary>
    public static string ToWire(this AuditResult value) => Lookup(Results, (int)value, "operation.result");

    /// <summary>Returns the output string for a verification problem, e.g. "rolled_back".</summary>
    public static string ToWire(this AuditProblem value) => Lookup(Problems, (int)value, "problem");

    /// <summary>Reads an event type from its spec string.</summary>
    public static AuditEventType ParseEventType(string text) => (AuditEventType)Find(EventTypes, text, "eventType");

    /// <summary>Reads an actor type from its spec string.</summary>
    public static AuditActorType ParseActorType(string text) => (AuditActorType)Find(ActorTypes, text, "actor.type");

    /// <summary>Reads a result from its spec string.</summary>
    public static AuditResult ParseResult(string text) => (AuditResult)Find(Results, text, "operation.result");

    private static string Lookup(string[] table, int index, string field) =>
        (uint)index < (uint)table.Length ? table[index] : throw new InvalidInputException(field, "must be one of the defined values");

    private static int Find(string[] table, string text, string field)
    {
        var index = Array.IndexOf(table, text);
        return index >= 0 ? index : throw new InvalidInputException(field, "must be one of the defined values");
    }
}
