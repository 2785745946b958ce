using System.Buffers.Binary;
using System.Text.Json.Nodes;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Policy;
using HsmWallet.Core.State;
using HsmWallet.Core.Tests.Audit;
using HsmWallet.Core.Tests.Unlocking;

namespace HsmWallet.Core.Tests.State;

/// <summary>
/// The file store's one durable write per session (issue 20): a session's writes reach the documents together through
/// one journal; a journal a killed writer fsynced but did not apply is applied by whoever next takes one of its scopes,
/// a torn one is ignored, and sessions on different scopes commit side by side.
/// </summary>
public sealed class FileStateJournalTests : IDisposable
{
    private readonly TemporaryDirectory _home = new();
    private byte[] _lastHead = [];

    public void Dispose() => _home.Dispose();

    private string JournalFolder => Path.Combine(_home.Path, StateJournal.FolderName);

    // Cut short by a crash (cut > 0: that many bytes off the end), or not kept as written by the disk (one byte flipped).
    private static void Tear(string path, int cut)
    {
        var bytes = File.ReadAllBytes(path);
        if (cut > 0)
        {
            File.WriteAllBytes(path, bytes[..^cut]);
            return;
        }

        bytes[bytes.Length / 2] ^= 0x20;
        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public void A_session_writes_its_documents_only_when_it_ends_and_leaves_no_journal_behind()
    {
        var store = new FileStateStore(_home.Path);
        store.Exclusive("state/signing-01", session =>
        {
            session.Write("state/signing-testnet.json", "a"u8);
            store.Exclusive("state/policy-counters.json", nested =>
            {
                nested.Write("state/policy-counters.json", "b"u8);
                return 0;
            });
            session.Write("approvals/apv_1.json", "c"u8);

            // Nothing is on disk before the session ends; the session itself reads what it wrote.
            Assert.False(File.Exists(Document("state/signing-testnet.json")));
            Assert.False(File.Exists(Document("state/policy-counters.json")));
            Assert.Equal("b"u8.ToArray(), session.Read("state/policy-counters.json"));
            Assert.Equal(["approvals/apv_1.json"], session.List("approvals"));
            return 0;
        });

        Assert.Equal("a", File.ReadAllText(Document("state/signing-testnet.json")));
        Assert.Equal("b", File.ReadAllText(Document("state/policy-counters.json")));
        Assert.Equal("c", File.ReadAllText(Document("approvals/apv_1.json")));
        Assert.Empty(Journals());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Document("state/policy-counters.json")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(JournalFolder));
    }

    [Fact]
    public void A_delete_inside_a_session_hides_the_document_at_once_and_removes_it_when_the_session_ends()
    {
        var store = new FileStateStore(_home.Path);
        Write(store, "approvals/apv_1.json", "old");
        store.Exclusive("approvals/apv_1.json", session =>
        {
            Assert.True(session.Delete("approvals/apv_1.json"));
            Assert.Null(session.Read("approvals/apv_1.json"));
            Assert.Empty(session.List("approvals"));
            Assert.False(session.Delete("approvals/apv_1.json"));
            Assert.True(File.Exists(Document("approvals/apv_1.json")));
            return 0;
        });

        Assert.False(File.Exists(Document("approvals/apv_1.json")));
    }

    [Fact]
    public void A_journal_fsynced_by_a_writer_killed_before_applying_it_is_applied_by_the_next_holder_of_one_of_its_scopes()
    {
        var store = new FileStateStore(_home.Path);
        Write(store, "state/policy-counters.json", "before");
        Write(store, "state/signing-testnet.json", "before");

        // What a writer killed between the journal's fsync and applying it leaves: the journal, the documents as before.
        Journal().Write(
            "state/signing-01",
            ["state/signing-01", "state/policy-counters.json", "state/signing-testnet.json"],
            new Dictionary<string, byte[]?>
            {
                ["state/policy-counters.json"] = "committed"u8.ToArray(),
                ["state/signing-testnet.json"] = "committed"u8.ToArray(),
                ["approvals/apv_9.json"] = null,
            });
        Assert.Single(Journals());

        // Another process takes the counters' scope only: it reads the committed state, both documents of it.
        var seen = new FileStateStore(_home.Path).Exclusive("state/policy-counters.json", session => session.Read("state/policy-counters.json"));
        Assert.Equal("committed"u8.ToArray(), seen);
        Assert.Equal("committed", File.ReadAllText(Document("state/signing-testnet.json")));
        Assert.Empty(Journals());
    }

    [Fact]
    public void A_journal_applied_half_way_is_applied_again_to_the_committed_state()
    {
        var store = new FileStateStore(_home.Path);
        Write(store, "state/a.json", "before");
        Write(store, "state/b.json", "before");
        var writes = new Dictionary<string, byte[]?> { ["state/a.json"] = "after"u8.ToArray(), ["state/b.json"] = "after"u8.ToArray() };
        Journal().Write("state/a.json", ["state/a.json"], writes);
        File.WriteAllText(Document("state/a.json"), "after");

        var seen = store.Exclusive("state/a.json", session => (A: session.Read("state/a.json"), B: session.Read("state/b.json")));

        Assert.Equal("after"u8.ToArray(), seen.A);
        Assert.Equal("after"u8.ToArray(), seen.B);
        Assert.Empty(Journals());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(40)]
    [InlineData(-1)]
    public void A_torn_journal_is_a_session_that_never_happened_and_is_dropped(int cut)
    {
        var store = new FileStateStore(_home.Path);
        Write(store, "state/policy-counters.json", "committed");
        Journal().Write("state/signing-02", ["state/signing-02", "state/policy-counters.json"], new Dictionary<string, byte[]?> { ["state/policy-counters.json"] = "torn"u8.ToArray() });
        Tear(Journals().Single(), cut);

        Assert.Equal("committed"u8.ToArray(), store.Exclusive("state/policy-counters.json", session => session.Read("state/policy-counters.json")));
        Assert.Equal("committed", File.ReadAllText(Document("state/policy-counters.json")));
        // Its writer is gone (its scope's lock was free), so the session that found it dropped it.
        Assert.Empty(Journals());
    }

    [Fact]
    public void A_journal_whose_writer_still_holds_its_scope_is_left_to_it()
    {
        var store = new FileStateStore(_home.Path);
        Write(store, "state/policy-counters.json", "committed");
        using var holding = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var writer = new Thread(() => new FileStateStore(_home.Path).Exclusive("state/signing-03", _ =>
        {
            holding.Set();
            release.Wait();
            return 0;
        }));
        writer.Start();
        holding.Wait();
        // The live writer's journal, mid-commit (it lists only scopes the writer holds).
        Journal().Write("state/signing-03", ["state/signing-03"], new Dictionary<string, byte[]?> { ["state/policy-counters.json"] = "in flight"u8.ToArray() });

        var seen = store.Exclusive("state/other.json", session => session.Read("state/policy-counters.json"));

        Assert.Equal("committed"u8.ToArray(), seen);
        Assert.Single(Journals());
        release.Set();
        writer.Join();
    }

    [Fact]
    public void What_a_session_wrote_before_its_work_threw_is_committed_as_the_file_store_always_did()
    {
        var store = new FileStateStore(_home.Path);
        Assert.Throws<InvalidOperationException>(() => store.Exclusive<int>("state/a.json", session =>
        {
            session.Write("state/a.json", "written"u8);
            throw new InvalidOperationException("the work failed after writing");
        }));

        Assert.Equal("written", File.ReadAllText(Document("state/a.json")));
        Assert.Empty(Journals());
    }

    [Fact]
    public void A_session_of_its_own_inside_another_is_on_disk_when_it_returns_and_the_outer_one_when_it_ends()
    {
        var store = new FileStateStore(_home.Path);
        store.Exclusive("state/signing-04", session =>
        {
            session.Write("state/outer.json", "outer"u8);
            store.ExclusiveOnItsOwn("lockout/unlock.json", own =>
            {
                own.Write("lockout/unlock.json", "failure counted"u8);
                return 0;
            });
            Assert.Equal("failure counted", File.ReadAllText(Document("lockout/unlock.json")));
            Assert.False(File.Exists(Document("state/outer.json")));
            return 0;
        });

        Assert.Equal("outer", File.ReadAllText(Document("state/outer.json")));
    }

    [Fact]
    public void Sessions_on_different_scopes_from_two_instances_commit_side_by_side_and_lose_no_update_of_a_document_they_share()
    {
        const int Rounds = 40;
        var threads = Enumerable.Range(0, 2).Select(index => new Thread(() =>
        {
            // Two instances, as two processes on one host: each its own outer scope, its own document, one shared one.
            var store = new FileStateStore(_home.Path);
            for (var round = 0; round < Rounds; round++)
            {
                store.Exclusive($"state/signing-1{index}", session =>
                {
                    Increment(session, $"state/own-{index}.json");
                    return store.Exclusive("state/policy-counters.json", nested =>
                    {
                        Increment(nested, "state/policy-counters.json");
                        Thread.Yield();
                        return 0;
                    });
                });
            }
        })).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());

        var store = new FileStateStore(_home.Path);
        Assert.Equal(2 * Rounds, store.Exclusive("state/policy-counters.json", session => Count(session, "state/policy-counters.json")));
        Assert.Equal(Rounds, store.Exclusive("state/own-0.json", session => Count(session, "state/own-0.json")));
        Assert.Equal(Rounds, store.Exclusive("state/own-1.json", session => Count(session, "state/own-1.json")));
        Assert.Empty(Journals());
    }

    [Fact]
    public void The_audit_head_records_a_sealed_documents_generation_only_once_the_document_is_on_disk()
    {
        var store = new FileStateStore(_home.Path);
        using var audit = new AuditWriter(Path.Combine(_home.Path, "audit"), AuditTestFolder.Key);
        const string Name = "state/signing-testnet.json";
        store.Exclusive("state/signing-05", session =>
        {
            SealedStateFile.Write(session, Name, audit.StateSeal, 0, new JsonObject { ["version"] = 1, ["accounts"] = new JsonObject() });
            Assert.False(File.Exists(Document(Name)));
            Assert.Equal(0, audit.StateSeal.RecordedGeneration("signing-testnet.json", Name));

            // The audit entry of the signature: the state it records is committed first.
            audit.Append(AuditTestFolder.Event(1));
            Assert.True(File.Exists(Document(Name)));
            return 0;
        });

        using var key = new AuditKey(AuditTestFolder.Key);
        Assert.Equal(AuditHeadStatus.Valid, AuditHead.TryRead(audit.Folder, key, out var head));
        Assert.Equal(1, head!.State!["signing-testnet.json"]);
        Assert.Equal(1, store.Exclusive(Name, session => SealedStateFile.Read(session, Name, audit.StateSeal).Generation));
    }

    [Fact]
    public void A_sealed_write_whose_session_fails_before_its_commit_stays_readable()
    {
        var store = new FileStateStore(_home.Path);
        using var audit = new AuditWriter(Path.Combine(_home.Path, "audit"), AuditTestFolder.Key);
        const string Name = "state/policy-counters.json";
        Assert.Throws<InvalidOperationException>(() => store.Exclusive<int>(Name, session =>
        {
            SealedStateFile.Write(session, Name, audit.StateSeal, 0, new JsonObject { ["version"] = 1, ["entries"] = new JsonArray(), ["known_destinations"] = new JsonObject() });
            throw new InvalidOperationException("the signer failed");
        }));
        audit.Append(AuditTestFolder.Event(1));

        Assert.Equal(1, store.Exclusive(Name, session => SealedStateFile.Read(session, Name, audit.StateSeal).Generation));
    }

    [Fact]
    public void A_journal_folder_open_to_other_users_is_refused_naming_the_fix()
    {
        var store = new FileStateStore(_home.Path);
        Write(store, "state/a.json", "x");
        File.SetUnixFileMode(JournalFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);

        var error = Assert.Throws<InvalidInputException>(() => store.Exclusive("state/a.json", session => session.Read("state/a.json")));

        Assert.Equal("state journal", error.Field);
        Assert.Contains("chmod 700", error.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void A_session_that_writes_more_documents_than_a_journal_holds_is_refused_naming_the_bound()
    {
        var store = new FileStateStore(_home.Path);
        var error = Assert.Throws<InvalidInputException>(() => store.Exclusive<int>("approvals/store", session =>
        {
            for (var i = 0; i <= StateJournal.MaxEntries; i++)
            {
                session.Write($"approvals/apv_{i}.json", [1]);
            }

            return 0;
        }));

        Assert.Equal("state session", error.Field);
        Assert.Contains("4096 documents", error.Rule, StringComparison.Ordinal);
        // What it wrote up to the bound is committed as one journal (the file store's behaviour on a throw), and reads back whole.
        Assert.Equal(StateJournal.MaxEntries, store.Exclusive("approvals/store", session => session.List("approvals").Count));
        Assert.Empty(Journals());
    }

    [Fact]
    public void A_signatures_state_audit_line_and_head_are_committed_in_one_journal_and_applied_when_the_session_ends()
    {
        var store = new FileStateStore(_home.Path);
        using var audit = new AuditWriter(AuditFolder, AuditTestFolder.Key);
        store.Exclusive("state/signing-05", session =>
        {
            SealedStateFile.Write(session, Signing, audit.StateSeal, 0, SigningBody());
            audit.Append(AuditTestFolder.Event(1));

            // The append committed the session with its entry: the document, the line and the head are all in place.
            Assert.True(File.Exists(Document(Signing)));
            Assert.Single(LogLines());
            Assert.Empty(Journals());
            return 0;
        });

        using var key = new AuditKey(AuditTestFolder.Key);
        Assert.Equal(AuditHeadStatus.Valid, AuditHead.TryRead(audit.Folder, key, out var head));
        Assert.Equal(1, head!.Sequence);
        Assert.Equal(1, head.State!["signing-testnet.json"]);
        Assert.Equal(new AuditVerification(true, 1, 1, null, null), AuditVerifier.Verify(AuditFolder, AuditTestFolder.Key));
        // The audit folder names this store, so readers that know only the audit folder find its journals.
        Assert.Equal([_home.Path], AuditRedo.Roots(AuditFolder));
    }

    [Fact]
    public void A_journal_holding_an_audit_line_is_applied_by_the_next_holder_of_its_scope_and_its_line_is_appended_once()
    {
        var (document, line) = LeaveCommittedSignature();
        var store = new FileStateStore(_home.Path);

        Assert.Equal(document, store.Exclusive(Signing, session => session.Read(Signing)));
        Assert.Empty(Journals());
        Assert.Equal(2, LogLines().Count);
        Assert.Equal(line, LogLines()[1] + "\n");
        Assert.Equal(new AuditVerification(true, 2, 2, null, null), AuditVerifier.Verify(AuditFolder, AuditTestFolder.Key));

        // The same journal found again (a writer killed after applying it, before removing it): applying it adds nothing.
        WriteJournal(document, line);
        Assert.Equal(document, store.Exclusive(Signing, session => session.Read(Signing)));
        Assert.Empty(Journals());
        Assert.Equal(2, LogLines().Count);
        Assert.Equal(new AuditVerification(true, 2, 2, null, null), AuditVerifier.Verify(AuditFolder, AuditTestFolder.Key));
    }

    [Fact]
    public void A_journal_holding_an_audit_line_is_applied_before_the_next_append_of_any_writer_so_the_chain_goes_on_after_it()
    {
        var (document, line) = LeaveCommittedSignature();
        using var audit = new AuditWriter(AuditFolder, AuditTestFolder.Key);

        // An append with no state session (another process's refusal, say): it applies the journal first.
        var entry = audit.Append(AuditTestFolder.Event(3));

        Assert.Equal(3, entry.Sequence);
        Assert.Equal(line, LogLines()[1] + "\n");
        Assert.Equal(3, LogLines().Count);
        Assert.Equal(document, File.ReadAllBytes(Document(Signing)));
        Assert.Empty(Journals());
        Assert.Equal(new AuditVerification(true, 3, 3, null, null), AuditVerifier.Verify(AuditFolder, AuditTestFolder.Key));
    }

    [Fact]
    public void Audit_verify_and_show_apply_a_journal_holding_an_audit_line_first_after_cutting_a_torn_last_line()
    {
        var (_, line) = LeaveCommittedSignature();
        // The killed writer had begun appending the line itself: half of it is at the end of the log.
        File.AppendAllText(LogFile, line[..(line.Length / 2)]);

        Assert.Equal(new AuditVerification(true, 2, 2, null, null), AuditVerifier.Verify(AuditFolder, AuditTestFolder.Key));
        Assert.Equal(2, AuditReader.ReadLast(AuditFolder, 10).Count);
        Assert.Equal(line, LogLines()[1] + "\n");
        Assert.Empty(Journals());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(200)]
    [InlineData(-1)]
    public void A_torn_journal_holding_an_audit_line_applies_neither_its_state_nor_its_line(int cut)
    {
        LeaveCommittedSignature();
        Tear(Journals().Single(), cut);

        using (var audit = new AuditWriter(AuditFolder, AuditTestFolder.Key))
        {
            Assert.Equal(2, audit.Append(AuditTestFolder.Event(3)).Sequence);
        }

        var store = new FileStateStore(_home.Path);
        Assert.Null(store.Exclusive("state/signing-05", session => session.Read(Signing)));
        Assert.Empty(Journals());
        Assert.Equal(2, LogLines().Count);
        Assert.Contains("\"corr-3\"", LogLines()[1], StringComparison.Ordinal);
        Assert.Equal(new AuditVerification(true, 2, 2, null, null), AuditVerifier.Verify(AuditFolder, AuditTestFolder.Key));
    }

    [Fact]
    public void Signatures_of_two_instances_on_different_scopes_commit_their_entries_through_their_journals_into_one_chain()
    {
        const int Rounds = 15;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, 2).Select(index => new Thread(() =>
        {
            try
            {
                // Two instances, as two processes on one host: each its own store, audit writer and signing scope.
                var store = new FileStateStore(_home.Path);
                using var audit = new AuditWriter(AuditFolder, AuditTestFolder.Key);
                for (var round = 0; round < Rounds; round++)
                {
                    store.Exclusive($"state/signing-2{index}", session =>
                    {
                        Increment(session, $"state/own-{index}.json");
                        return audit.Append(AuditTestFolder.Event(1 + round));
                    });
                }
            }
            catch (Exception exception)
            {
                failures.Enqueue(exception);
            }
        })).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());

        Assert.Empty(failures);
        var store = new FileStateStore(_home.Path);
        Assert.Equal(Rounds, store.Exclusive("state/own-0.json", session => Count(session, "state/own-0.json")));
        Assert.Equal(Rounds, store.Exclusive("state/own-1.json", session => Count(session, "state/own-1.json")));
        Assert.Empty(Journals());
        Assert.Equal(new AuditVerification(true, 2 * Rounds, 2 * Rounds, null, null), AuditVerifier.Verify(AuditFolder, AuditTestFolder.Key));
    }

    private const string Signing = "state/signing-testnet.json";

    private string AuditFolder => Path.Combine(_home.Path, "audit");

    private string LogFile => Path.Combine(AuditFolder, "audit-000001.jsonl");

    private List<string> LogLines() => [.. File.ReadAllLines(LogFile)];

    private static JsonObject SigningBody() => new() { ["version"] = 1, ["accounts"] = new JsonObject() };

    // What a signer killed after its journal's fsync and before applying it leaves: entry 1 in the log, and a journal
    // holding the signing state's first generation with entry 2's line and head. Built from a real signature whose
    // results are then taken back. Returns the document and the line the journal holds.
    private (byte[] Document, string Line) LeaveCommittedSignature()
    {
        var store = new FileStateStore(_home.Path);
        using (var audit = new AuditWriter(AuditFolder, AuditTestFolder.Key))
        {
            audit.Append(AuditTestFolder.Event(1));
        }

        var log = File.ReadAllBytes(LogFile);
        var head = File.ReadAllBytes(Path.Combine(AuditFolder, "head.json"));
        using (var audit = new AuditWriter(AuditFolder, AuditTestFolder.Key))
        {
            store.Exclusive("state/signing-05", session =>
            {
                SealedStateFile.Write(session, Signing, audit.StateSeal, 0, SigningBody());
                return audit.Append(AuditTestFolder.Event(2));
            });
        }

        var document = File.ReadAllBytes(Document(Signing));
        var line = LogLines()[1] + "\n";
        var newHead = File.ReadAllBytes(Path.Combine(AuditFolder, "head.json"));
        File.WriteAllBytes(LogFile, log);
        File.WriteAllBytes(Path.Combine(AuditFolder, "head.json"), head);
        File.Delete(Document(Signing));
        _lastHead = newHead;
        WriteJournal(document, line);
        return (document, line);
    }

    private void WriteJournal(byte[] document, string line) => Journal().Write(
        "state/signing-05",
        ["state/signing-05", Signing],
        new Dictionary<string, byte[]?> { [Signing] = document },
        new AuditRedo(AuditFolder, "audit-000001.jsonl", 2, System.Text.Encoding.UTF8.GetBytes(line), _lastHead, SyncHead: false));

    private static void Increment(IStateSession session, string name)
    {
        var next = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(next, Count(session, name) + 1);
        session.Write(name, next);
    }

    private static int Count(IStateSession session, string name) =>
        session.Read(name) is { } bytes ? BinaryPrimitives.ReadInt32BigEndian(bytes) : 0;

    private static void Write(FileStateStore store, string name, string content) => store.Exclusive(name, session =>
    {
        session.Write(name, System.Text.Encoding.UTF8.GetBytes(content));
        return 0;
    });

    private StateJournal Journal() => new(_home.Path, TimeSpan.FromSeconds(5));

    private string Document(string name) => Path.Combine(_home.Path, name);

    private List<string> Journals() => Directory.Exists(JournalFolder) ? [.. Directory.EnumerateFiles(JournalFolder, "*.journal")] : [];
}
