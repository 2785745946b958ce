using System.CommandLine;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Input;
using HsmWallet.Cli.Output;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Policy;

namespace HsmWallet.Cli.Commands;

/// <summary>
/// `hsmwallet policy show | set FILE | check`: the signing policy is changed only here, by the operator: the new file is
/// validated, the change is shown rule by rule, and its SHA-256 is recorded in the vault (one unlock), so a file
/// edited any other way is refused and every signature denied until the operator applies it again.
/// </summary>
internal static class PolicyCommands
{
    /// <summary>Builds `hsmwallet policy`.</summary>
    public static Command Create(CliContext context)
    {
        var policy = new Command("policy", "Show or set the signing policy (limits the agent cannot lift).");
        policy.Subcommands.Add(Show(context));
        policy.Subcommands.Add(Set(context));
        policy.Subcommands.Add(Check(context));
        return policy;
    }

    /// <summary>
    /// `hsmwallet policy check --wallet N --tx FILE`: what the policy would decide for a transaction and how it reads it,
    /// through the same use case as MCP's policy_check (the same decision, reasons and effects); signs nothing.
    /// </summary>
    private static Command Check(CliContext context)
    {
        var wallet = new Option<string>("--wallet") { Description = "The wallet's name or address.", Required = true };
        var tx = new Option<string>("--tx") { Description = "The transaction JSON file, or - for stdin.", Required = true };
        var command = new Command("check", "Show the policy's decision, reasons and reading (effects) for a transaction; signs nothing.") { wallet, tx };
        command.SetAction(parse => CommandRunner.Execute(context, parse, (app, operation) =>
        {
            var transaction = InputDocuments.ReadJsonObject(context, parse.GetValue(tx)!, "--tx");
            var decision = app.Transactions.CheckAsync(parse.GetValue(wallet)!, transaction, operation).GetAwaiter().GetResult();
            return new JsonObject
            {
                ["decision"] = decision.Kind.ToString().ToLowerInvariant(),
                ["reasons"] = new JsonArray([.. decision.Reasons.Select(reason => (JsonNode)new JsonObject
                {
                    ["rule"] = reason.Rule,
                    ["message"] = reason.Message,
                    ["outcome"] = reason.Outcome.ToString().ToLowerInvariant(),
                })]),
                ["effects"] = decision.Effects?.ToJson(),
                ["frozen"] = app.Status.Frozen().ToJson(),
            };
        }));
        return command;
    }

    private static Command Show(CliContext context)
    {
        var command = new Command("show", "Print the policy in force, its SHA-256 and whether it matches the hash the vault recorded.");
        command.SetAction(parse => CommandRunner.Execute(context, parse, (app, _) =>
        {
            var view = app.Policy.Show();
            var result = new JsonObject
            {
                ["path"] = view.Path,
                ["source"] = view.Exists ? "policy.json" : "built-in defaults",
                ["trusted"] = view.Trusted,
            };
            if (view.Unverified is { } unverified)
            {
                result["unverified"] = unverified;
            }

            if (view.Loaded.Document is { } document)
            {
                result["sha256"] = document.Sha256;
                result["policy"] = JsonNode.Parse(document.CanonicalJson);
            }
            else
            {
                result["problem"] = view.Loaded.Problem;
            }

            return result;
        }));
        return command;
    }

    private static Command Set(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "The new policy JSON file (see docs/policy.md), or - for stdin." };
        var command = new Command("set", "Validate FILE, show what changes, and make it the policy in force (records its SHA-256 in the vault).") { file };
        command.SetAction(parse => CommandRunner.ExecuteAudited(context, parse, AuditEventType.PolicyChange, (app, _) =>
        {
            var change = app.Policy.Set(PolicyDocument.Parse(InputDocuments.ReadText(context, parse.GetValue(file)!, "FILE")));
            if (!parse.GetValue(GlobalOptions.Json))
            {
                foreach (var line in change.Changes)
                {
                    context.Error.WriteLine("  " + Core.VisibleText.Of(line));
                }
            }

            return new JsonObject
            {
                ["path"] = change.Path,
                ["sha256"] = change.Sha256,
                ["changes"] = new JsonArray([.. change.Changes.Select(line => (JsonNode)line)]),
            };
        }));
        return command;
    }
}
