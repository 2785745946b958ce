using HsmWallet.Cli.Tests.Support;
using HsmWallet.Core.State;
using HsmWallet.Hosting.State.Postgres;
using Npgsql;

namespace HsmWallet.Cli.Tests;

/// <summary>
/// `hsmwallet state migrate` and `state import` against a real PostgreSQL: the schema brought to this version (and
/// left there on a second run), a home's state documents copied once into an empty store, and --state refusing a
/// password in the URL without ever printing it.
/// </summary>
public sealed class StateStoreCommandTests : IClassFixture<PostgresInstance>, IDisposable
{
    private readonly PostgresInstance postgres;
    private readonly VaultHome home = new();
    private readonly string credential;

    public StateStoreCommandTests(PostgresInstance postgres)
    {
        this.postgres = postgres;
        credential = home.SecretFile("state.pw", postgres.AppPassword + "\n");
    }

    public void Dispose() => home.Dispose();

    [Fact]
    public void Migrate_brings_a_fresh_database_to_the_current_version_and_a_second_run_changes_nothing()
    {
        var database = postgres.CreateDatabase();

        var first = home.RunOk(null, "state", "migrate", "--state", postgres.Url(database), "--state-credential", credential);
        var second = home.RunOk(null, "state", "migrate", "--state", postgres.Url(database), "--state-credential", credential);
        var text = CliProcess.Run(null, "state", "migrate", "--state", postgres.Url(database), "--state-credential", credential);

        Assert.Equal(postgres.Url(database), (string)first["store"]!);
        Assert.Equal((0, PostgresMigrations.CurrentVersion), ((int)first["version_before"]!, (int)first["version_after"]!));
        Assert.Equal((PostgresMigrations.CurrentVersion, PostgresMigrations.CurrentVersion), ((int)second["version_before"]!, (int)second["version_after"]!));
        Assert.True((bool)first["lockout_initialized"]!);
        Assert.False((bool)second["lockout_initialized"]!);
        Assert.Equal(0, text.ExitCode);
        Assert.Contains($"schema already at version {PostgresMigrations.CurrentVersion}", text.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(postgres.AppPassword, first.ToJsonString() + text.Stdout + text.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_copies_the_homes_state_documents_into_an_empty_store_once()
    {
        var database = postgres.CreateDatabase();
        home.RunOk(null, "state", "migrate", "--state", postgres.Url(database), "--state-credential", credential);
        var files = new FileStateStore(home.Home);
        files.Exclusive("state/signing.json", session =>
        {
            session.Write("state/signing-testnet.json", "{\"sealed\":1}"u8);
            session.Write("state/policy-counters.json", "{\"sealed\":2}"u8);
            session.Write("approvals/apv_0123456789abcdef.json", "{\"state\":\"pending\"}"u8);
            return 0;
        });

        var imported = home.RunOk(null, "state", "import", "--state", postgres.Url(database), "--state-credential", credential);
        var again = home.Run(null, "state", "import", "--state", postgres.Url(database), "--state-credential", credential);

        Assert.Equal(
            ["state/policy-counters.json", "state/signing-testnet.json", "approvals/apv_0123456789abcdef.json"],
            imported["imported"]!.AsArray().Select(name => (string)name!));
        using var store = new PostgresStateStore(NpgsqlDataSource.Create(postgres.ConnectionString(database)));
        store.Exclusive("state/signing.json", session =>
        {
            Assert.NotNull(session.Read("state/lockout.json"));
            Assert.Equal("{\"sealed\":1}"u8.ToArray(), session.Read("state/signing-testnet.json"));
            Assert.Equal("{\"sealed\":2}"u8.ToArray(), session.Read("state/policy-counters.json"));
            Assert.Equal("{\"state\":\"pending\"}"u8.ToArray(), session.Read("approvals/apv_0123456789abcdef.json"));
            return 0;
        });
        Assert.Equal(1, again.ExitCode);
        Assert.Equal("state_not_empty", (string)VaultHome.Error(again)["code"]!);
    }

    [Fact]
    public void Audit_verify_on_a_shared_store_compares_the_log_with_its_chain_head_and_a_home_put_back_is_refused_until_resealed()
    {
        var database = postgres.CreateDatabase();
        string[] state = ["--state", postgres.Url(database), "--state-credential", credential];
        home.RunOk(null, ["state", "migrate", .. state]);
        home.RunOk(null, ["init", "--unlocker", "keyfile", .. state]);
        home.RunOk(null, ["wallet", "create", "--name", "one", .. state]);
        var audit = Path.Combine(home.Home, "audit");
        var backup = Path.Combine(home.Home, "..", "audit-backup");
        CopyFolder(audit, backup);
        File.Copy(home.VaultPath, Path.Combine(backup, "vault.json.backup"));
        home.RunOk(null, ["wallet", "create", "--name", "two", .. state]);

        var intact = home.RunOk(null, ["audit", "verify", .. state]);
        Directory.Delete(audit, recursive: true);
        CopyFolder(backup, audit);

        // The whole home put back from the backup (the vault too, so its own record of the log is as old as the log).
        File.Move(Path.Combine(audit, "vault.json.backup"), home.VaultPath, overwrite: true);
        var restored = home.Run(null, ["audit", "verify", .. state]);
        var refused = home.Run(null, ["wallet", "create", "--name", "three", .. state]);
        home.RunOk(null, ["state", "reseal", .. state]);
        var resealed = home.RunOk(null, ["audit", "verify", .. state]);

        Assert.Equal("equal", (string)intact["shared_head"]!["status"]!);
        Assert.Equal((long)intact["head_sequence"]!, (long)intact["shared_head"]!["shared_sequence"]!);
        Assert.Equal(1, restored.ExitCode);
        var shown = System.Text.Json.Nodes.JsonNode.Parse(restored.Stdout)!;
        Assert.False((bool)shown["ok"]!);
        Assert.Equal("shared_head", (string)shown["problem"]!);
        Assert.Equal("behind", (string)shown["shared_head"]!["status"]!);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.True(refused.Stdout.Contains("restored from an older copy", StringComparison.Ordinal), refused.Stdout);
        Assert.True((bool)resealed["ok"]!);
        Assert.Equal("equal", (string)resealed["shared_head"]!["status"]!);
    }

    // The audit folder is flat: its files, owner-only, the folder 0700 (lock files stay behind, as a backup leaves them).
    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var file in Directory.GetFiles(from).Where(file => !file.EndsWith(".lock", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    [Fact]
    public void Import_into_a_database_never_migrated_is_refused_saying_to_migrate()
    {
        var database = postgres.CreateDatabase();
        var result = home.Run(null, "state", "import", "--state", postgres.Url(database), "--state-credential", credential);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("state_unavailable", (string)VaultHome.Error(result)["code"]!);
        Assert.Contains("run `hsmwallet state migrate`", (string)VaultHome.Error(result)["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void A_state_URL_holding_a_password_is_refused_naming_state_without_printing_it()
    {
        var result = home.Run(null, "state", "migrate", "--state", $"postgres://{postgres.AppUser}:{postgres.AppPassword}@127.0.0.1:{postgres.Port}/x");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("invalid_input", (string)VaultHome.Error(result)["code"]!);
        Assert.StartsWith("--state:", (string)VaultHome.Error(result)["message"]!, StringComparison.Ordinal);
        Assert.DoesNotContain(postgres.AppPassword, result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Migrate_without_a_postgres_state_is_refused_naming_state()
    {
        var result = home.Run(null, "state", "migrate");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("--state:", (string)VaultHome.Error(result)["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_database_password_is_state_unavailable_naming_the_database_and_not_the_password()
    {
        var database = postgres.CreateDatabase();
        var wrong = home.SecretFile("wrong.pw", "Not-The-Password-42");

        var result = home.Run(null, "state", "migrate", "--state", postgres.Url(database), "--state-credential", wrong);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("state_unavailable", (string)VaultHome.Error(result)["code"]!);
        Assert.Contains($"127.0.0.1:{postgres.Port}/{database}", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Not-The-Password-42", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }
}
