using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Output;
using HsmWallet.Cli.Vault;
using HsmWallet.Core;
using HsmWallet.Core.State;
using HsmWallet.Hosting.State.Postgres;

namespace HsmWallet.Cli.Commands;

/// <summary>
/// `hsmwallet state reseal`: the operator's recovery when signing is denied because a state file (policy counters,
/// signing state) or the audit log was deleted, edited or replaced by an older copy. Only after checking the home.
/// `state migrate` and `state import`: bring a PostgreSQL store (--state postgres://...) to this version's schema, and
/// copy a home's state documents into an empty one (docs/deployment.md, "Three instances on one PostgreSQL").
/// </summary>
internal static class StateCommands
{
    /// <summary>Builds `hsmwallet state`.</summary>
    public static Command Create(CliContext context)
    {
        var state = new Command("state", "The sealed state files that the policy limits and Sequence reservations depend on.");
        var reseal = new Command(
            "reseal",
            "After checking the home by hand: accept the audit log as it is and seal the state files again at their current content (a missing one starts empty).");
        reseal.SetAction(parse => CommandRunner.Execute(context, parse, (app, operation) =>
        {
            // Not audited by the command: its "started" entry would be refused by the very log it repairs. The use case
            // appends its own entry once the vault has recorded the log as it is.
            var result = app.ResealState(operation);
            context.Error.WriteLine("hsmwallet: state files sealed again and recorded in the audit log; restart a running hsmwallet-mcp so it reads the new record");
            return new CommandOutput(result);
        }));
        state.Subcommands.Add(reseal);
        state.Subcommands.Add(Migrate(context));
        state.Subcommands.Add(Import(context));
        return state;
    }

    /// <summary>What `state migrate` writes into a new store: the empty lockout record and its key.</summary>
    internal static IReadOnlySet<string> FreshStoreDocuments { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "state/" + Core.Unlocking.Lockout.LockoutGuard.RecordFileName,
        "state/" + Core.Unlocking.Lockout.LockoutGuard.KeyFileName,
    };

    /// <summary>The folders of a home whose documents move to a shared store.</summary>
    internal static IReadOnlyList<string> ImportedFolders { get; } = ["state", "approvals"];

    private static Command Migrate(CliContext context)
    {
        var command = new Command("migrate", "Apply the schema migrations the --state database lacks (under a lock: run it from one place or many); prints the version before and after.");
        command.SetAction(parse => CommandRunner.Execute(context, parse.GetValue(GlobalOptions.Json), () =>
        {
            using var store = RequirePostgres(parse);
            var (before, after) = PostgresMigrations.Migrate(store);
            // A new store starts with an empty lockout record (a missing one locks unlocking): `state import` replaces it.
            var initialized = store.IsEmpty();
            if (initialized)
            {
                new Core.Unlocking.Lockout.LockoutGuard(store).Initialize();
            }

            var json = new JsonObject { ["store"] = store.Description, ["version_before"] = before, ["version_after"] = after, ["lockout_initialized"] = initialized };
            var text = before == after
                ? string.Create(CultureInfo.InvariantCulture, $"{store.Description}: schema already at version {after}\n")
                : string.Create(CultureInfo.InvariantCulture, $"{store.Description}: schema migrated from version {before} to {after}\n");
            return new CommandOutput(json, text);
        }));
        return command;
    }

    private static Command Import(CliContext context)
    {
        var command = new Command(
            "import",
            "Copy the home's state documents (state/ and approvals/) into the --state database, which must hold none yet; stop every server on this home first.");
        command.SetAction(parse => CommandRunner.Execute(context, parse.GetValue(GlobalOptions.Json), () =>
        {
            using var target = RequirePostgres(parse);
            var home = CliHome.Settings(parse).HomePath;
            var source = new FileStateStore(home);
            // Everything read first (each folder under its own lock), then written in one transaction: all or nothing.
            var documents = new List<(string Name, byte[] Content)>();
            foreach (var folder in ImportedFolders)
            {
                source.Exclusive("state/import", session =>
                {
                    foreach (var name in session.List(folder))
                    {
                        if (session.Read(name) is { } content)
                        {
                            documents.Add((name, content));
                        }
                    }

                    return 0;
                });
            }

            target.Exclusive("state/import", session =>
            {
                // Checked inside the import's own lock and transaction, so two imports at once copy once. The empty lockout
                // record `state migrate` made is all a new store may hold; the home's own replaces it.
                if (ImportedFolders.SelectMany(session.List).Any(name => !FreshStoreDocuments.Contains(name)))
                {
                    throw new CommandFailedException("state_not_empty", $"{target.Description} already holds state documents: import copies into an empty store only (a second import would mix two histories)");
                }

                foreach (var (name, content) in documents)
                {
                    session.Write(name, content);
                }

                return 0;
            });
            var json = new JsonObject
            {
                ["store"] = target.Description,
                ["home"] = home,
                ["imported"] = new JsonArray([.. documents.Select(document => (JsonNode)document.Name)]),
            };
            return new CommandOutput(json, string.Create(CultureInfo.InvariantCulture, $"{documents.Count} documents copied from {home} to {target.Description}\n"));
        }));
        return command;
    }

    private static PostgresStateStore RequirePostgres(ParseResult parse) =>
        CliHome.StateStore(parse) ?? throw new InvalidInputException("--state", "must name the database: postgres://USER@HOST:PORT/DB (state migrate and state import work on a PostgreSQL store)");
}
