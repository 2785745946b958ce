using HsmWallet.Core.State;
using HsmWallet.Hosting.State;
using HsmWallet.Hosting.State.Postgres;
using HsmWallet.Tests.Fixtures;
using Npgsql;

namespace HsmWallet.Hosting.Tests.State;

/// <summary>
/// What only the shared backend promises: a session is one transaction (all of it or nothing, even when the
/// connection dies), a schema that is not this version's is refused, and no error ever shows the password.
/// </summary>
[Collection(PostgresServer.Name)]
public sealed class PostgresStateStoreTests(PostgresInstance postgres) : IDisposable
{
    private readonly List<PostgresStateStore> stores = [];

    public void Dispose() => stores.ForEach(store => store.Dispose());

    [Fact]
    public void A_throw_inside_Exclusive_leaves_nothing_written()
    {
        var database = MigratedDatabase();
        var store = Open(database);
        Assert.Throws<InvalidOperationException>(() => store.Exclusive<int>("state/signing.json", session =>
        {
            session.Write("state/signing.json", [1]);
            store.Exclusive("state/policy-counters.json", nested =>
            {
                nested.Write("state/policy-counters.json", [2]);
                return 0;
            });
            throw new InvalidOperationException("refused after the writes");
        }));

        Assert.True(Open(database).IsEmpty());
    }

    [Fact]
    public void A_failed_unlock_counted_inside_a_signature_that_rolls_back_still_counts()
    {
        var database = MigratedDatabase();
        var store = Open(database);
        var lockout = new Core.Unlocking.Lockout.LockoutGuard(store);
        lockout.Initialize();
        var before = lockout.TriesLeft();

        Assert.Throws<InvalidOperationException>(() => store.Exclusive<int>("state/signing-test", session =>
        {
            session.Write("state/signing-testnet.json", [1]);
            _ = lockout.RecordFailure();
            throw new InvalidOperationException("the signature around the unlock failed");
        }));

        var fresh = new Core.Unlocking.Lockout.LockoutGuard(Open(database));
        Assert.Equal(before - 1, fresh.TriesLeft());
        Assert.Null(Open(database).Exclusive("state/test.json", session => session.Read("state/signing-testnet.json")));
    }

    [Fact]
    public async Task An_approval_is_redeemed_once_by_three_instances_racing_for_it()
    {
        var database = MigratedDatabase();
        var asked = new Core.Approvals.ApprovalStore(Open(database));
        var summary = new Core.Approvals.ApprovalSummary("Pay 20,000 XRP", [], [], []);
        var pending = asked.Create("binding-1", summary);
        _ = new Core.Approvals.ApprovalStore(Open(database)).Approve(pending.Id);
        var instances = Enumerable.Range(0, 3).Select(_ => new Core.Approvals.ApprovalStore(Open(database))).ToList();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 12).Select(index => Task.Run(() =>
        {
            try
            {
                return instances[index % 3].Redeem(pending.Id, "binding-1");
            }
            catch (Core.Approvals.ApprovalException)
            {
                return null;
            }
        })));

        Assert.Single(attempts, grant => grant is not null);
    }

    [Fact]
    public void A_nested_call_that_throws_is_undone_while_the_outer_call_commits()
    {
        var database = MigratedDatabase();
        var store = Open(database);
        store.Exclusive("state/signing.json", session =>
        {
            session.Write("state/signing.json", [1]);
            Assert.Throws<InvalidOperationException>(() => store.Exclusive<int>("state/policy-counters.json", nested =>
            {
                nested.Write("state/policy-counters.json", [2]);
                throw new InvalidOperationException("the nested check refused");
            }));
            return 0;
        });

        var other = Open(database);
        Assert.Equal(new byte[] { 1 }, other.Exclusive("state/test.json", session => session.Read("state/signing.json")));
        Assert.Null(other.Exclusive("state/test.json", session => session.Read("state/policy-counters.json")));
    }

    [Fact]
    public void A_record_written_on_its_own_inside_a_session_that_then_fails_is_kept()
    {
        var database = MigratedDatabase();
        var store = Open(database);
        Assert.Throws<InvalidOperationException>(() => store.Exclusive<int>("state/signing.json", session =>
        {
            session.Write("state/signing.json", [1]);
            store.ExclusiveOnItsOwn("state/lockout.json", own =>
            {
                own.Write("state/lockout.json", [9]);
                return 0;
            });
            throw new InvalidOperationException("the unlock failed");
        }));

        var other = Open(database);
        Assert.Equal(new byte[] { 9 }, other.Exclusive("state/test.json", session => session.Read("state/lockout.json")));
        Assert.Null(other.Exclusive("state/test.json", session => session.Read("state/signing.json")));
    }

    [Fact]
    public void A_connection_killed_mid_transaction_leaves_nothing_and_releases_the_lock()
    {
        var database = MigratedDatabase();
        var store = Open(database);
        var error = Assert.Throws<StateStoreException>(() => store.Exclusive("state/signing.json", session =>
        {
            session.Write("state/signing.json", [1]);
            // The database administrator (or a crash of the server process's connection) ends this backend mid-transaction.
            postgres.Admin($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' AND usename = '{postgres.AppUser}'");
            session.Write("state/policy-counters.json", [2]);
            return 0;
        }));
        Assert.Contains($"127.0.0.1:{postgres.Port}/{database}", error.Message, StringComparison.Ordinal);

        // Another instance takes the same scope at once (a 5 s lock timeout would refuse otherwise) and finds nothing.
        var other = Open(database, TimeSpan.FromSeconds(5));
        var seen = other.Exclusive("state/signing.json", session => (session.Read("state/signing.json"), session.Read("state/policy-counters.json")));
        Assert.Equal((null, null), seen);
        // The instance whose connection died goes on working with a fresh one.
        store.Exclusive("state/signing.json", session =>
        {
            session.Write("state/signing.json", [3]);
            return 0;
        });
        Assert.Equal(new byte[] { 3 }, other.Exclusive("state/signing.json", session => session.Read("state/signing.json")));
    }

    [Fact]
    public void A_caller_that_swallows_a_database_failure_is_not_told_its_writes_were_stored()
    {
        var database = MigratedDatabase();
        var store = Open(database);
        postgres.Admin($"ALTER TABLE hsmwallet_documents ADD CONSTRAINT no_x CHECK (name <> 'state/x.json')", database);
        var error = Assert.Throws<StateStoreException>(() => store.Exclusive("state/signing.json", session =>
        {
            session.Write("state/signing.json", [1]);
            Assert.Throws<StateStoreException>(() => session.Write("state/x.json", [1]));
            return 0;
        }));
        Assert.Contains("nothing of it was stored", error.Message, StringComparison.Ordinal);
        Assert.True(Open(database).IsEmpty());
    }

    [Fact]
    public void A_scope_held_past_the_lock_timeout_is_refused_naming_the_scope()
    {
        var database = MigratedDatabase();
        var holder = Open(database);
        var waiter = Open(database, TimeSpan.FromMilliseconds(200));
        var error = holder.Exclusive("state/signing.json", _ =>
        {
            StateStoreException? refused = null;
            var other = new Thread(() => refused = Assert.Throws<StateStoreException>(() => waiter.Exclusive("state/signing.json", _ => 0)));
            other.Start();
            other.Join();
            return refused!;
        });
        Assert.Contains("the lock on state/signing.json was not had", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nested_scope_read_under_another_is_locked_until_the_outer_call_commits()
    {
        var database = MigratedDatabase();
        var holder = Open(database);
        var waiter = Open(database, TimeSpan.FromMilliseconds(200));
        var error = holder.Exclusive("state/signing-00.json", _ =>
        {
            // The nested lock travels with the nested call's first statement and stays until the outer commit.
            holder.Exclusive("state/policy-counters.json", nested => nested.Read("state/policy-counters.json"));
            StateStoreException? refused = null;
            var other = new Thread(() => refused = Assert.Throws<StateStoreException>(
                () => waiter.Exclusive("state/policy-counters.json", session => session.Read("state/policy-counters.json"))));
            other.Start();
            other.Join();
            return refused!;
        });
        Assert.Contains("the lock on state/policy-counters.json was not had", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_committed_read_is_one_request_that_sees_the_last_commit_and_never_a_write_still_in_progress()
    {
        var database = MigratedDatabase();
        var writer = Open(database);
        var reader = Open(database, TimeSpan.FromMilliseconds(200));
        writer.Exclusive("state/freeze.json", session =>
        {
            session.Write("state/freeze.json", [1]);
            return 0;
        });

        Assert.Null(reader.ReadCommitted("state/none.json")); // the first use also checks the schema version, once
        var before = reader.RoundTrips;
        Assert.Equal(new byte[] { 1 }, reader.ReadCommitted("state/freeze.json"));
        Assert.Equal(1, reader.RoundTrips - before);

        // A writer holding the lock with a newer version not yet committed: the reader neither waits nor sees it.
        var seen = writer.Exclusive("state/freeze.json", session =>
        {
            session.Write("state/freeze.json", [2]);
            byte[]? during = null;
            var other = new Thread(() => during = reader.ReadCommitted("state/freeze.json"));
            other.Start();
            other.Join();
            return during;
        });
        Assert.Equal(new byte[] { 1 }, seen);
        Assert.Equal(new byte[] { 2 }, reader.ReadCommitted("state/freeze.json"));
    }

    [Fact]
    public void A_committed_read_inside_a_session_joins_it_and_holds_the_documents_lock_until_the_commit()
    {
        var database = MigratedDatabase();
        var holder = Open(database);
        var waiter = Open(database, TimeSpan.FromMilliseconds(200));
        var error = holder.Exclusive("state/signing-00.json", _ =>
        {
            // As the freeze marker is read again under the signing lock: a freeze waits for this signature's commit.
            Assert.Null(holder.ReadCommitted("state/freeze.json"));
            StateStoreException? refused = null;
            var other = new Thread(() => refused = Assert.Throws<StateStoreException>(
                () => waiter.Exclusive("state/freeze.json", session => session.Read("state/freeze.json"))));
            other.Start();
            other.Join();
            return refused!;
        });
        Assert.Contains("the lock on state/freeze.json was not had", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_document_read_again_under_its_own_lock_costs_no_request_and_a_nested_call_undone_is_not_remembered()
    {
        var database = MigratedDatabase();
        var store = Open(database);
        store.Exclusive("state/policy-counters.json", session =>
        {
            session.Write("state/policy-counters.json", [1]);
            return 0;
        });

        var requests = store.Exclusive("state/signing-00.json", _ =>
        {
            var before = store.RoundTrips;
            var first = store.Exclusive("state/policy-counters.json", nested => nested.Read("state/policy-counters.json"));
            first![0] = 9; // the caller's copy: changing it changes nothing the session keeps
            var again = store.Exclusive("state/policy-counters.json", nested => nested.Read("state/policy-counters.json"));
            Assert.Equal(new byte[] { 1 }, again);
            var used = store.RoundTrips - before;

            // A nested call that writes and then throws is rolled back: the next read is the database's, not the write.
            Assert.Throws<InvalidOperationException>(() => store.Exclusive<int>("state/policy-counters.json", nested =>
            {
                nested.Write("state/policy-counters.json", [2]);
                throw new InvalidOperationException("refused after the write");
            }));
            Assert.Equal(new byte[] { 1 }, store.Exclusive("state/policy-counters.json", nested => nested.Read("state/policy-counters.json")));

            // A document whose own scope is not held is read from the database every time.
            Assert.Null(store.Exclusive("state/policy-counters.json", nested => nested.Read("state/other.json")));
            return used;
        });

        Assert.Equal(1, requests);
    }

    [Fact]
    public void Nested_calls_that_throw_before_and_after_writing_undo_only_their_own_writes()
    {
        var database = MigratedDatabase();
        var store = Open(database);
        store.Exclusive("state/signing.json", session =>
        {
            session.Write("state/signing.json", [1]);
            Assert.Throws<InvalidOperationException>(() => store.Exclusive<int>("state/policy-counters.json", _ => throw new InvalidOperationException("refused before any statement")));
            store.Exclusive("state/freeze.json", nested =>
            {
                nested.Write("state/freeze.json", [3]);
                return 0;
            });
            Assert.Throws<InvalidOperationException>(() => store.Exclusive<int>("state/policy-counters.json", nested =>
            {
                nested.Write("state/policy-counters.json", [2]);
                store.Exclusive("state/approval.json", inner =>
                {
                    inner.Write("state/approval.json", [4]);
                    return 0;
                });
                throw new InvalidOperationException("refused after writing");
            }));
            session.Write("state/signing.json", [5]);
            return 0;
        });

        var other = Open(database);
        Assert.Equal(new byte[] { 5 }, other.Exclusive("state/test.json", session => session.Read("state/signing.json")));
        Assert.Equal(new byte[] { 3 }, other.Exclusive("state/test.json", session => session.Read("state/freeze.json")));
        Assert.Null(other.Exclusive("state/test.json", session => session.Read("state/policy-counters.json")));
        Assert.Null(other.Exclusive("state/test.json", session => session.Read("state/approval.json")));
    }

    [Fact]
    public void What_a_session_asks_to_run_after_its_commit_runs_after_it_and_not_for_a_nested_call_undone()
    {
        var database = MigratedDatabase();
        var store = Open(database);
        var ran = new List<string>();
        store.Exclusive("state/signing.json", session =>
        {
            session.Write("state/signing.json", [1]);
            session.AfterCommit(() => ran.Add("outer"));
            Assert.Throws<InvalidOperationException>(() => store.Exclusive<int>("state/policy-counters.json", nested =>
            {
                nested.Write("state/policy-counters.json", [2]);
                nested.AfterCommit(() => ran.Add("undone"));
                throw new InvalidOperationException("the nested check refused");
            }));
            Assert.Empty(ran);
            return 0;
        });

        Assert.Equal(["outer"], ran);
        Assert.Throws<InvalidOperationException>(() => store.Exclusive<int>("state/signing.json", session =>
        {
            session.Write("state/signing.json", [3]);
            session.AfterCommit(() => ran.Add("rolled back"));
            throw new InvalidOperationException("the signature failed");
        }));
        Assert.Equal(["outer"], ran);
    }

    [Fact]
    public void A_fresh_database_is_refused_until_migrated_and_migrate_is_idempotent()
    {
        var database = postgres.CreateDatabase();
        var store = Open(database);
        var refused = Assert.Throws<StateStoreException>(() => store.Exclusive("state/signing.json", _ => 0));
        Assert.Contains("run `hsmwallet state migrate`", refused.Message, StringComparison.Ordinal);
        Assert.Contains("version 0", refused.Message, StringComparison.Ordinal);

        Assert.Equal((0, PostgresMigrations.CurrentVersion), PostgresMigrations.Migrate(store));
        Assert.Equal((PostgresMigrations.CurrentVersion, PostgresMigrations.CurrentVersion), PostgresMigrations.Migrate(store));
        store.Exclusive("state/signing.json", session =>
        {
            session.Write("state/signing.json", [1]);
            return 0;
        });
        Assert.False(store.IsEmpty());
    }

    [Fact]
    public void A_database_at_a_future_version_is_refused_by_the_store_and_by_migrate()
    {
        var database = MigratedDatabase();
        postgres.Admin($"INSERT INTO hsmwallet_schema (version, name) VALUES ({PostgresMigrations.CurrentVersion + 1}, 'from_the_future')", database);
        var store = Open(database);
        var refused = Assert.Throws<StateStoreException>(() => store.Exclusive("state/signing.json", _ => 0));
        Assert.Contains("made by a newer HsmWallet", refused.Message, StringComparison.Ordinal);
        var migrate = Assert.Throws<StateStoreException>(() => PostgresMigrations.Migrate(store));
        Assert.Contains("made by a newer HsmWallet", migrate.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_migrations_at_once_apply_the_schema_once()
    {
        var database = postgres.CreateDatabase();
        var results = new (int Before, int After)[4];
        var threads = Enumerable.Range(0, results.Length).Select(index => new Thread(() => results[index] = PostgresMigrations.Migrate(Open(database)))).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());

        Assert.Single(results, result => result.Before == 0);
        Assert.All(results, result => Assert.Equal(PostgresMigrations.CurrentVersion, result.After));
    }

    [Fact]
    public void A_wrong_password_is_a_StateStoreException_that_names_the_database_and_not_the_password()
    {
        var database = MigratedDatabase();
        const string WrongPassword = "Wr0ng-Pa55word-not-shown";
        var store = Track(new PostgresStateStore(NpgsqlDataSource.Create(postgres.ConnectionString(database, WrongPassword))));
        var error = Assert.Throws<StateStoreException>(() => store.Exclusive("state/signing.json", _ => 0));
        Assert.Contains($"127.0.0.1:{postgres.Port}/{database}", error.Message, StringComparison.Ordinal);
        Assert.Contains("refused the user or password", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongPassword, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(WrongPassword, store.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreachable_server_is_a_StateStoreException_naming_where()
    {
        var store = Track(new PostgresStateStore(NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Database=nowhere;Username=u;Password=secret-pw;Timeout=2")));
        var error = Assert.Throws<StateStoreException>(() => store.Exclusive("state/signing.json", _ => 0));
        Assert.Contains("127.0.0.1:1/nowhere", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-pw", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_store_opened_from_the_state_option_and_a_credential_file_works_and_describes_itself_without_the_password()
    {
        var database = MigratedDatabase();
        using var folder = new TempFolder();
        var credential = folder.Secret("state-password", postgres.AppPassword + "\n");
        using var store = StateStoreChoice.Open(postgres.Url(database), credential, credentialsDirectory: null)!;
        store.Exclusive("state/signing.json", session =>
        {
            session.Write("state/signing.json", [7]);
            return 0;
        });
        Assert.Equal(postgres.Url(database), store.Description);
        Assert.DoesNotContain(postgres.AppPassword, store.Description, StringComparison.Ordinal);

        // The same from a full connection string, and from the systemd credential folder.
        var full = folder.Secret("state-connection", $"Host=elsewhere;Password={postgres.AppPassword};Timeout=5");
        using var fromConnectionString = StateStoreChoice.Open(postgres.Url(database), full, credentialsDirectory: null)!;
        Assert.Equal(new byte[] { 7 }, fromConnectionString.Exclusive("state/signing.json", session => session.Read("state/signing.json")));
        folder.Secret(StateStoreChoice.CredentialName, postgres.AppPassword);
        using var fromSystemd = StateStoreChoice.Open(postgres.Url(database), credentialPath: null, folder.Path)!;
        Assert.Equal(new byte[] { 7 }, fromSystemd.Exclusive("state/signing.json", session => session.Read("state/signing.json")));
    }

    private string MigratedDatabase()
    {
        var database = postgres.CreateDatabase();
        PostgresMigrations.Migrate(Open(database));
        return database;
    }

    private PostgresStateStore Open(string database, TimeSpan? lockTimeout = null) =>
        Track(new PostgresStateStore(NpgsqlDataSource.Create(postgres.ConnectionString(database)), lockTimeout));

    private PostgresStateStore Track(PostgresStateStore store)
    {
        lock (stores)
        {
            stores.Add(store);
        }

        return store;
    }
}
