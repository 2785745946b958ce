using HsmWallet.Core.Audit;
using HsmWallet.Hosting.Audit;
using HsmWallet.Hosting.State.Postgres;
using HsmWallet.Hosting.Tests.State;
using HsmWallet.Tests.Fixtures;
using Npgsql;

namespace HsmWallet.Hosting.Tests.Audit;

/// <summary>
/// The audit chain's head kept in PostgreSQL as well as in the home: written in the same commit as the state an
/// operation wrote, and every way a home or a database writer could take it back or sideways is refused by name.
/// </summary>
[Collection(PostgresServer.Name)]
public sealed class SharedAuditHeadTests(PostgresInstance postgres) : IDisposable
{
    private static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private readonly string root = Directory.CreateTempSubdirectory("hsmwallet-shared-head-").FullName;
    private readonly List<IDisposable> owned = [];

    public void Dispose()
    {
        owned.ForEach(item => item.Dispose());
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public void The_head_is_written_in_the_commit_of_the_state_the_operation_wrote_and_rolled_back_with_it()
    {
        var store = Store(MigratedDatabase());
        var writer = Writer("home", store);
        writer.Append(Event("first"));
        var chain = ChainOf(store, "home");

        store.Exclusive("state/signing-01", session =>
        {
            session.Write("state/signing-testnet.json", [1]);
            writer.Append(Event("signed"));
            return 0;
        });
        Assert.Equal(2, SharedSequence(store, chain));

        // A refusal audited inside a signature that then throws: the state and the head go back together.
        Assert.Throws<InvalidOperationException>(() => store.Exclusive<int>("state/signing-01", session =>
        {
            session.Write("state/signing-testnet.json", [2]);
            writer.Append(Event("refused"));
            throw new InvalidOperationException("policy_denied");
        }));
        Assert.Equal(2, SharedSequence(store, chain));
        Assert.Equal([1], Read(store, "state/signing-testnet.json"));

        // A second refusal in a row: the head first catches up with the log in a commit of its own, so it is never two behind.
        Assert.Throws<InvalidOperationException>(() => store.Exclusive<int>("state/signing-01", session =>
        {
            writer.Append(Event("refused again"));
            throw new InvalidOperationException("policy_denied");
        }));
        Assert.Equal(3, SharedSequence(store, chain));
        writer.Append(Event("goes on"));
        Assert.Equal(5, SharedSequence(store, chain));
    }

    [Fact]
    public void A_home_put_back_from_an_older_copy_is_refused_although_its_log_and_head_verify()
    {
        var store = Store(MigratedDatabase());
        var writer = Writer("home", store);
        writer.Append(Event("one"));
        writer.Append(Event("two"));
        var backup = Path.Combine(root, "backup");
        HomeCopy.Copy(Folder("home"), backup);
        writer.Append(Event("three"));

        Directory.Delete(Folder("home"), recursive: true);
        HomeCopy.Copy(backup, Folder("home"));
        var restored = Writer("home", store);

        var error = Assert.Throws<AuditWriteException>(() => restored.Append(Event("after the restore")));
        Assert.Contains("ends at sequence 2 but the shared head of its chain is at 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("restored from an older copy", error.Message, StringComparison.Ordinal);
        Assert.True(AuditVerifier.Verify(Folder("home"), Key).Ok);
    }

    [Fact]
    public void A_home_copied_with_its_audit_folder_and_run_beside_the_original_is_refused_not_merged()
    {
        var store = Store(MigratedDatabase());
        var original = Writer("home", store);
        original.Append(Event("one"));
        HomeCopy.Copy(Folder("home"), Folder("copy"));
        var copy = Writer("copy", store);

        original.Append(Event("two, on the original"));
        var error = Assert.Throws<AuditWriteException>(() => copy.Append(Event("two, on the copy")));

        Assert.Contains("another instance runs a copy of this home with its audit folder", error.Message, StringComparison.Ordinal);
        Assert.Single(AuditReader.ReadLast(Folder("copy"), 10));
    }

    [Fact]
    public void Two_homes_that_each_began_a_log_have_two_chains_and_both_append()
    {
        var store = Store(MigratedDatabase());
        var first = Writer("first", store);
        var second = Writer("second", store);

        for (var i = 0; i < 3; i++)
        {
            first.Append(Event("first"));
            second.Append(Event("second"));
        }

        Assert.NotEqual(ChainOf(store, "first"), ChainOf(store, "second"));
        Assert.Equal(3, SharedSequence(store, ChainOf(store, "first")));
        Assert.Equal(3, SharedSequence(store, ChainOf(store, "second")));
    }

    [Fact]
    public void A_deleted_shared_head_is_refused_until_the_operator_accepts_the_log()
    {
        var store = Store(MigratedDatabase());
        var writer = Writer("home", store);
        writer.Append(Event("one"));
        writer.Append(Event("two"));
        var chain = ChainOf(store, "home");
        store.Exclusive("audit/test", session => session.Delete(SharedAuditHead.DocumentFor(chain)));

        var error = Assert.Throws<AuditWriteException>(() => writer.Append(Event("three")));
        Assert.Contains("is missing from the state store although this home recorded it there", error.Message, StringComparison.Ordinal);

        new SharedAuditHead(store).Accept(Folder("home"), Key);
        writer.Append(Event("three"));
        Assert.Equal(3, SharedSequence(store, chain));
    }

    [Fact]
    public void An_old_shared_head_put_back_or_another_chains_copied_over_it_is_refused()
    {
        var store = Store(MigratedDatabase());
        var writer = Writer("home", store);
        var other = Writer("other", store);
        other.Append(Event("elsewhere"));
        writer.Append(Event("one"));
        var chain = ChainOf(store, "home");
        var old = Read(store, SharedAuditHead.DocumentFor(chain))!;
        writer.Append(Event("two"));
        writer.Append(Event("three"));

        Write(store, SharedAuditHead.DocumentFor(chain), old);
        var replayed = Assert.Throws<AuditWriteException>(() => writer.Append(Event("four")));
        Assert.Contains("2 entries behind this log", replayed.Message, StringComparison.Ordinal);

        Write(store, SharedAuditHead.DocumentFor(chain), Read(store, SharedAuditHead.DocumentFor(ChainOf(store, "other")))!);
        var swapped = Assert.Throws<AuditWriteException>(() => writer.Append(Event("four")));
        Assert.Contains("names another chain", swapped.Message, StringComparison.Ordinal);

        var forged = System.Text.Encoding.UTF8.GetString(old).Replace("\"sequence\":1", "\"sequence\":3", StringComparison.Ordinal);
        Write(store, SharedAuditHead.DocumentFor(chain), System.Text.Encoding.UTF8.GetBytes(forged));
        var edited = Assert.Throws<AuditWriteException>(() => writer.Append(Event("four")));
        Assert.Contains("does not verify under the vault's audit key", edited.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Audit_verify_reports_the_shared_head_and_fails_a_home_behind_it()
    {
        using var test = new TestVault();
        var store = Store(MigratedDatabase());
        using var session = new AuditSession(test.Vault, _ => null, new AuditWriterOptions { SharedHead = new SharedAuditHead(store) });
        session.EnsureOpen(TestVault.Unlock());
        session.Append(Event("one"));
        var backup = Path.Combine(root, "backup");
        HomeCopy.Copy(session.Folder, backup);
        session.Append(Event("two"));

        var intact = session.Verify();
        Directory.Delete(session.Folder, recursive: true);
        HomeCopy.Copy(backup, session.Folder);
        var restored = session.Verify();

        Assert.True(intact.Ok);
        Assert.Equal("equal", (string)intact.ToJson()["shared_head"]!["status"]!);
        Assert.Equal(2, (long)intact.ToJson()["shared_head"]!["shared_sequence"]!);
        Assert.False(restored.Ok);
        Assert.Equal("shared_head", (string)restored.ToJson()["problem"]!);
        Assert.Equal("behind", (string)restored.ToJson()["shared_head"]!["status"]!);
        Assert.Equal(1, (long)restored.ToJson()["shared_head"]!["local_sequence"]!);
    }

    private static AuditEvent Event(string what) =>
        new(AuditEventType.TransactionSign, "tx_sign", "c0ffee", new AuditActor(AuditActorType.User, "test"), "sign", new() { ["what"] = what }, AuditResult.Success);

    private string Folder(string home) => Path.Combine(root, home, "audit");

    private AuditWriter Writer(string home, PostgresStateStore store)
    {
        Directory.CreateDirectory(Path.Combine(root, home), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var writer = new AuditWriter(Folder(home), Key, new AuditWriterOptions { SharedHead = new SharedAuditHead(store) });
        owned.Add(writer);
        return writer;
    }

    // The chain's name as the database knows it: the one head document whose chain's first entry is this home's.
    private string ChainOf(PostgresStateStore store, string home)
    {
        var first = AuditReader.ReadLast(Folder(home), 100_000)[0];
        Assert.Equal(1, first.Sequence);
        Assert.NotNull(Read(store, SharedAuditHead.DocumentFor(first.Hash)));
        return first.Hash;
    }

    private static long SharedSequence(PostgresStateStore store, string chain) =>
        (long)System.Text.Json.Nodes.JsonNode.Parse(Read(store, SharedAuditHead.DocumentFor(chain))!)!["sequence"]!;

    private static byte[]? Read(PostgresStateStore store, string name) => store.Exclusive("audit/test", session => session.Read(name));

    private static void Write(PostgresStateStore store, string name, byte[] content) => store.Exclusive("audit/test", session =>
    {
        session.Write(name, content);
        return 0;
    });

    private string MigratedDatabase()
    {
        var database = postgres.CreateDatabase();
        PostgresMigrations.Migrate(Store(database));
        return database;
    }

    private PostgresStateStore Store(string database)
    {
        var store = new PostgresStateStore(NpgsqlDataSource.Create(postgres.ConnectionString(database)));
        owned.Add(store);
        return store;
    }
}
