using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Output;
using HsmWallet.Core;
using HsmWallet.Core.Audit;

namespace HsmWallet.Cli.Commands;

/// <summary>
/// `hsmwallet audit`: verify the tamper-evident audit chain and show its newest entries. Both unlock, since
/// the chain's HMAC key is held in the vault.
/// </summary>
internal static class AuditCommands
{
    private const int DefaultLast = 20;

    /// <summary>Builds `hsmwallet audit`.</summary>
    public static Command Create(CliContext context)
    {
        var audit = new Command("audit", "Verify the tamper-evident audit log and show its newest entries.");
        audit.Subcommands.Add(Verify(context));
        audit.Subcommands.Add(Show(context));
        return audit;
    }

    private static Command Verify(CliContext context)
    {
        var command = new Command("verify", "Check every entry, link, the head record and the anchor, and every recorded passkey approval against the enrolled keys; exit 1 when anything does not verify.");
        command.SetAction(parse => CommandRunner.Execute(context, parse, (app, _) =>
        {
            app.OpenAudit();
            var verification = app.Audit.Verify();
            var approvals = app.VerifyRecordedApprovals();
            var result = verification.ToJson();
            result["approvals"] = approvals.ToJson();
            if (verification.Ok && approvals.Ok)
            {
                return new CommandOutput(result);
            }

            if (verification.Ok)
            {
                context.Error.WriteLine(VisibleText.Of($"hsmwallet: the audit log verifies, but {approvals.Problem}"));
                return new CommandOutput(result, ExitCode: ExitCodes.Failed);
            }

            var problem = verification.Problem?.ToWire() ?? "unknown";
            var where = verification.FirstBadSequence is long sequence
                ? string.Create(CultureInfo.InvariantCulture, $" at sequence {sequence}")
                : string.Empty;
            context.Error.WriteLine(VisibleText.Of($"hsmwallet: the audit log does not verify: {problem}{where}"));
            return new CommandOutput(result, ExitCode: ExitCodes.Failed);
        }));
        return command;
    }

    private static Command Show(CliContext context)
    {
        var last = new Option<int>("--last")
        {
            Description = "How many of the newest entries to show (default 20, at most 100000).",
            DefaultValueFactory = _ => DefaultLast,
        };
        var command = new Command("show", "Print the newest entries, oldest first (one line each, or JSON with --json).") { last };
        command.SetAction(parse => CommandRunner.Execute(context, parse, (app, _) =>
        {
            var count = parse.GetValue(last);
            if (count is < 1 or > AuditReader.MaxCount)
            {
                throw new InvalidInputException("--last", "must be between 1 and 100000");
            }

            app.OpenAudit();
            var entries = AuditReader.ReadLast(app.Audit.Folder, count);
            var json = new JsonObject { ["entries"] = new JsonArray([.. entries.Select(entry => (JsonNode)Shown(entry.ToJson()))]) };
            var text = new StringBuilder();
            foreach (var entry in entries)
            {
                text.AppendLine(Line(entry));
            }

            return new CommandOutput(json, text.ToString());
        }));
        return command;
    }

    /// <summary>
    /// An entry in the CLI's JSON style: the record's own names in snake_case (the file keeps the names its hashes are
    /// computed over, docs/audit.md), the operation's parameters as recorded (a transaction keeps XRPL's names).
    /// </summary>
    private static JsonObject Shown(JsonObject stored)
    {
        var shown = new JsonObject();
        foreach (var (name, value) in stored)
        {
            shown[JsonStyle.SnakeCase(name)] = value switch
            {
                JsonObject operation when name == "operation" => new JsonObject(operation.Select(pair => KeyValuePair.Create(
                    JsonStyle.SnakeCase(pair.Key),
                    pair.Key == "parameters" ? Parameters(pair.Value) : pair.Value is JsonObject inner ? JsonStyle.SnakeCaseNames(inner) : pair.Value?.DeepClone()))),
                JsonObject inner => JsonStyle.SnakeCaseNames(inner),
                _ => value?.DeepClone(),
            };
        }

        return shown;
    }

    /// <summary>The parameters' own names in snake_case (older entries recorded options as typed: kdf-memory); their values as recorded.</summary>
    private static JsonNode? Parameters(JsonNode? parameters) => parameters is JsonObject named
        ? new JsonObject(named.Select(pair => KeyValuePair.Create(JsonStyle.SnakeCase(pair.Key.Replace('-', '_')), pair.Value?.DeepClone())))
        : parameters?.DeepClone();

    /// <summary>One entry as a line: sequence, time, event, result (and code), tool, actor, correlation id, parameters.</summary>
    private static string Line(AuditEntry entry)
    {
        var result = entry.Operation.ErrorCode is { } code
            ? $"{entry.Operation.Result.ToWire()}({code})"
            : entry.Operation.Result.ToWire();
        var actor = entry.Actor.Id is { } id ? $"{entry.Actor.Type.ToWire()}:{id}" : entry.Actor.Type.ToWire();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"#{entry.Sequence} {entry.Timestamp} {entry.EventType.ToWire()} {result} \"{entry.ToolName}\" actor={actor} correlation={entry.CorrelationId} {entry.Operation.Parameters.ToJsonString(JsonStyle.Compact)}");
    }
}
