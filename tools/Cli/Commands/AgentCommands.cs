using System.CommandLine;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Input;
using HsmWallet.Cli.Output;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Policy;
using HsmWallet.Hosting.Agents;

namespace HsmWallet.Cli.Commands;

/// <summary>
/// `hsmwallet agent add NAME [--wallets a,b] [--policy FILE] [--oauth-subject SUB --oauth-issuer URL]`, `agent list`,
/// `agent revoke NAME` and `agent policy NAME FILE|--clear`: the agents that may call hsmwallet-mcp --http, each with its
/// own bearer token (printed once by add, kept only as a hash in the home's agents.json) or bound to an OAuth issuer and
/// the `sub` of its access tokens (no token of its own; a `sub` alone would name another issuer's principal too), its own wallets and optionally its own policy section (docs/policy.md,
/// Per-agent sections), which only tightens the home's policy. add, revoke and policy are audited changes (they open
/// the vault, so only the operator who can unlock it changes who may call, and under what).
/// </summary>
internal static class AgentCommands
{
    /// <summary>Builds `hsmwallet agent`.</summary>
    public static Command Create(CliContext context)
    {
        var agent = new Command("agent", "Add, list or revoke the agents that may call hsmwallet-mcp --http (docs/deployment.md).");
        agent.Subcommands.Add(Add(context));
        agent.Subcommands.Add(List(context));
        agent.Subcommands.Add(Revoke(context));
        agent.Subcommands.Add(Policy(context));
        return agent;
    }

    private static Command Add(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The agent's name (1 to 64 letters, digits, '.', '_' or '-'); the audit log names it agent:NAME." };
        var wallets = new Option<string?>("--wallets") { Description = "The only wallets it may see and use, by name, comma-separated (default: every wallet)." };
        var policy = new Option<string?>("--policy") { Description = "Its own policy section (the policy file format, docs/policy.md), or - for stdin: applied on top of the home's policy, it can only tighten it." };
        var subject = new Option<string?>("--oauth-subject")
        {
            Description = "Bind the agent to the sub of access tokens (JWTs) from --oauth-issuer instead of issuing a token: none is printed.",
        };
        var issuer = new Option<string?>("--oauth-issuer")
        {
            Description = "With --oauth-subject (needed): the issuer whose sub it is, exactly as its tokens' iss and hsmwallet-mcp's --oauth-issuer name it.",
        };
        var command = new Command("add", "Issue a bearer token for a new agent (printed once on stdout, stored only as its SHA-256), or bind it to an OAuth issuer and subject.") { name, wallets, policy, subject, issuer };
        command.SetAction(parse => CommandRunner.ExecuteAudited(context, parse, AuditEventType.ConfigChange, (app, _) =>
        {
            var list = parse.GetValue(wallets) is { } text
                ? text.Split(',', StringSplitOptions.TrimEntries)
                : null;
            var section = parse.GetValue(policy) is { } file ? ReadPolicy(context, file, "--policy") : null;
            var registry = app.Agents;
            if (parse.GetValue(subject) is { } sub)
            {
                // A sub is unique only within its issuer: no default issuer, the operator names the one it belongs to.
                var iss = parse.GetValue(issuer)
                    ?? throw new Core.InvalidInputException("--oauth-issuer", "is needed with --oauth-subject: the issuer whose sub it is (exactly hsmwallet-mcp's --oauth-issuer)");

                // No token exists for such an agent: its issuer's tokens carry the identity, so nothing is shown once.
                return Describe(registry.AddOAuthSubject(parse.GetValue(name)!, list, iss, sub, section));
            }

            if (parse.GetValue(issuer) is not null)
            {
                throw new Core.InvalidInputException("--oauth-issuer", "is used with --oauth-subject only");
            }

            var token = registry.Add(parse.GetValue(name)!, list, section);
            var added = registry.List().First(record => record.Name == parse.GetValue(name));
            var json = Describe(added);
            json["token"] = token;
            json["shown_once"] = true;
            return json;
        }));
        return command;
    }

    private static Command List(CliContext context)
    {
        var command = new Command("list", "The agents, their wallets and whether they are revoked (never a token: none is kept).");
        command.SetAction(parse => CommandRunner.Execute(context, parse, (app, _) =>
            new JsonObject { ["agents"] = new JsonArray([.. app.Agents.List().Select(agent => (JsonNode)Describe(agent))]) }));
        return command;
    }

    private static Command Revoke(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The agent whose token is refused from its next request on." };
        var command = new Command("revoke", "Revoke an agent's token (a running server refuses it at the next request).") { name };
        command.SetAction(parse => CommandRunner.ExecuteAudited(context, parse, AuditEventType.ConfigChange, (app, _) =>
            Describe(app.Agents.Revoke(parse.GetValue(name)!))));
        return command;
    }

    private static Command Policy(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "The agent whose own policy section is set or cleared." };
        var file = new Argument<string?>("FILE") { Description = "Its new policy section (the policy file format, docs/policy.md), or - for stdin.", Arity = ArgumentArity.ZeroOrOne };
        var clear = new Option<bool>("--clear") { Description = "Remove its section: the home's policy alone decides for it." };
        var command = new Command("policy", "Set (FILE) or remove (--clear) an agent's own policy section, which applies on top of the home's policy and only tightens it.") { name, file, clear };
        command.SetAction(parse => CommandRunner.ExecuteAudited(context, parse, AuditEventType.PolicyChange, (app, _) =>
        {
            var path = parse.GetValue(file);
            var clearing = parse.GetValue(clear);
            if (path is null == !clearing)
            {
                throw new Core.InvalidInputException("FILE", "give either a policy FILE or --clear, not both and not neither");
            }

            var section = path is null ? null : ReadPolicy(context, path, "FILE");
            var record = app.Agents.SetPolicy(parse.GetValue(name)!, section);
            var json = Describe(record);
            json["policy_path"] = section is null ? null : app.Agents.PolicyPath(record.Name);
            return json;
        }));
        return command;
    }

    // The same reader and checks as `policy set`: an error names the field path and the rule.
    private static PolicyDocument ReadPolicy(CliContext context, string path, string field) =>
        PolicyDocument.Parse(InputDocuments.ReadText(context, path, field));

    private static JsonObject Describe(AgentRecord agent)
    {
        var json = new JsonObject
        {
            ["name"] = agent.Name,
            ["wallets"] = agent.Wallets is null ? "all" : new JsonArray([.. agent.Wallets.Select(wallet => (JsonNode)wallet)]),
            ["created"] = agent.Created.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["revoked"] = agent.Revoked,
            ["policy_sha256"] = agent.PolicySha256,
        };
        if (agent.OAuthSubject is { } subject)
        {
            json["oauth_subject"] = subject;
            json["oauth_issuer"] = agent.OAuthIssuer;
            if (agent.LacksIssuer && !agent.Revoked)
            {
                json["refused"] = "bound without an issuer (an older agents.json): no token lets it in; revoke it and add it again with --oauth-subject and --oauth-issuer";
            }
        }

        return json;
    }
}
