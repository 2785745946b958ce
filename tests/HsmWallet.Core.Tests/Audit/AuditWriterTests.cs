using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Core.Audit;

namespace HsmWallet.Core.Tests.Audit;

public class AuditWriterTests
{
    [Fact]
    public void Entries_form_one_chain_from_the_genesis_hash()
    {
        using var folder = new AuditTestFolder();

        var entries = folder.Write(3);

        Assert.Equal([1L, 2L, 3L], entries.Select(e => e.Sequence));
        Assert.Equal(AuditEntry.GenesisHash, entries[0].PreviousHash);
        Assert.Equal(entries[0].Hash, entries[1].PreviousHash);
        Assert.Equal(entries[1].Hash, entries[2].PreviousHash);
        Assert.All(entries, e => Assert.Matches("^[0-9a-f]{64}$", e.Hash));
    }

    [Fact]
    public void Each_line_is_the_canonical_JSON_of_the_entry_as_returned()
    {
        using var folder = new AuditTestFolder();
        var entry = folder.Write(3)[2];

        var line = folder.Lines()[2];

        Assert.Equal(Encoding.UTF8.GetString(JsonCanonicalizer.Serialize(entry.ToJson())), line);
        Assert.StartsWith("{\"actor\":{\"id\":\"agent\",\"type\":\"user\"},\"correlationId\":\"corr-3\",\"eventType\":\"transaction.sign\",\"hash\":", line);
        Assert.Contains("\"operation\":{\"errorCode\":\"policy_denied\",\"name\":\"tx_sign\",\"parameters\":{\"n\":3,\"wallet\":\"main\"},\"result\":\"denied\"}", line);
    }

    [Fact]
    public void The_chain_continues_across_a_restart_with_a_new_writer()
    {
        using var folder = new AuditTestFolder();
        var before = folder.Write(2);

        var after = folder.Write(2);

        Assert.Equal(3, after[0].Sequence);
        Assert.Equal(before[1].Hash, after[0].PreviousHash);
        Assert.Equal(new AuditVerification(true, 4, 4, null, null), folder.Verify());
    }

    [Fact]
    public void The_chain_continues_across_midnight()
    {
        using var folder = new AuditTestFolder();
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 29, 23, 59, 59, 500, TimeSpan.Zero));
        using var writer = folder.Writer(new AuditWriterOptions { TimeProvider = clock });

        var late = writer.Append(AuditTestFolder.Event(1));
        clock.Now = clock.Now.AddSeconds(1);
        var early = writer.Append(AuditTestFolder.Event(2));

        Assert.Equal("2026-11-29T23:59:59.500Z", late.Timestamp);
        Assert.Equal("2026-11-30T00:00:00.500Z", early.Timestamp);
        Assert.Equal(late.Hash, early.PreviousHash);
        Assert.Single(folder.LogFiles());
        Assert.True(folder.Verify().Ok);
    }

    [Fact]
    public void Files_rotate_by_size_and_the_chain_runs_across_them()
    {
        using var folder = new AuditTestFolder();

        folder.Write(40, new AuditWriterOptions { MaxFileBytes = 2048 });

        var files = folder.LogFiles();
        Assert.True(files.Length >= 3);
        Assert.Equal("audit-000001.jsonl", Path.GetFileName(files[0]));
        Assert.Equal("audit-000002.jsonl", Path.GetFileName(files[1]));
        Assert.All(files, file => Assert.True(new FileInfo(file).Length <= 2048));
        var lastOfFirst = AuditEntry.Parse(Encoding.UTF8.GetBytes(File.ReadAllLines(files[0])[^1]));
        var firstOfSecond = AuditEntry.Parse(Encoding.UTF8.GetBytes(File.ReadAllLines(files[1])[0]));
        Assert.Equal(lastOfFirst.Sequence + 1, firstOfSecond.Sequence);
        Assert.Equal(lastOfFirst.Hash, firstOfSecond.PreviousHash);
        Assert.Equal(new AuditVerification(true, 40, 40, null, null), folder.Verify());
    }

    [Fact]
    public void Two_writers_on_one_folder_from_many_threads_never_fork_the_chain()
    {
        using var folder = new AuditTestFolder();
        using var first = folder.Writer();
        using var second = folder.Writer();

        Parallel.For(0, 80, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            (i % 2 == 0 ? first : second).Append(AuditTestFolder.Event(i)));

        Assert.Equal(new AuditVerification(true, 80, 80, null, null), folder.Verify());
    }

    [Fact]
    public void A_secret_in_the_parameters_never_reaches_the_file()
    {
        using var folder = new AuditTestFolder();
        const string seed = "sEdSKaCy2JT7JaM7v95H9SxkhP9wS2r";
        using var writer = folder.Writer();

        var entry = writer.Append(AuditTestFolder.Event(1, new JsonObject { ["password"] = "hunter2", ["comment"] = seed }));

        var content = File.ReadAllText(folder.LogFiles().Single());
        Assert.DoesNotContain(seed, content, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", content, StringComparison.Ordinal);
        Assert.Equal(AuditSanitizer.Redacted, (string)entry.Operation.Parameters["password"]!);
    }

    [Fact]
    public void An_audit_folder_under_a_regular_file_makes_append_throw()
    {
        using var folder = new AuditTestFolder();
        var blocker = Path.Combine(folder.Root, "not-a-directory");
        File.WriteAllText(blocker, "x");
        using var writer = new AuditWriter(Path.Combine(blocker, "audit"), AuditTestFolder.Key);

        Assert.Throws<AuditWriteException>(() => writer.Append(AuditTestFolder.Event(1)));
    }

    [Fact]
    public void An_audit_folder_replaced_by_a_file_after_some_appends_makes_append_throw()
    {
        using var folder = new AuditTestFolder();
        using var writer = folder.Writer();
        writer.Append(AuditTestFolder.Event(1));
        Directory.Delete(folder.Folder, recursive: true);
        File.WriteAllText(folder.Folder, "x");

        Assert.Throws<AuditWriteException>(() => writer.Append(AuditTestFolder.Event(2)));
    }

    [Fact]
    public void A_log_file_that_is_a_link_is_refused_before_anything_is_written_through_it()
    {
        // This used to reach ENOSPC through a link to /dev/full; links among the audit files are now refused first.
        using var folder = new AuditTestFolder();
        Directory.CreateDirectory(folder.Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.CreateSymbolicLink(Path.Combine(folder.Folder, "audit-000001.jsonl"), "/dev/full");
        using var writer = folder.Writer();

        var e = Assert.Throws<AuditWriteException>(() => writer.Append(AuditTestFolder.Event(1)));
        Assert.Contains("is a symbolic link", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_writer_refuses_to_continue_a_truncated_log()
    {
        using var folder = new AuditTestFolder();
        folder.Write(3);
        var lines = folder.Lines();
        folder.Rewrite(lines.Take(2).ToList());
        using var writer = folder.Writer();

        Assert.Throws<AuditWriteException>(() => writer.Append(AuditTestFolder.Event(4)));
    }

    [Fact]
    public void A_writer_refuses_to_continue_a_log_whose_head_was_deleted()
    {
        using var folder = new AuditTestFolder();
        folder.Write(2);
        File.Delete(folder.HeadPath);
        using var writer = folder.Writer();

        Assert.Throws<AuditWriteException>(() => writer.Append(AuditTestFolder.Event(3)));
    }

    [Fact]
    public void A_torn_last_line_from_a_crash_is_ignored_by_verify_and_cut_off_by_the_next_append()
    {
        using var folder = new AuditTestFolder();
        folder.Write(2);
        File.AppendAllText(folder.LogFiles().Single(), "{\"actor\":{\"type\":\"us");
        Assert.Equal(new AuditVerification(true, 2, 2, null, null), folder.Verify());

        var next = folder.Write(1)[0];

        Assert.Equal(3, next.Sequence);
        Assert.Equal(new AuditVerification(true, 3, 3, null, null), folder.Verify());
    }

    [Fact]
    public void A_log_one_entry_ahead_of_its_head_after_a_crash_continues()
    {
        using var folder = new AuditTestFolder();
        folder.Write(2);
        var headAfterTwo = File.ReadAllBytes(folder.HeadPath);
        folder.Write(1);
        File.WriteAllBytes(folder.HeadPath, headAfterTwo); // The head write of entry 3 never happened.
        Assert.True(folder.Verify().Ok);

        var next = folder.Write(1)[0];

        Assert.Equal(4, next.Sequence);
        Assert.Equal(new AuditVerification(true, 4, 4, null, null), folder.Verify());
    }

    [Fact]
    public void A_head_left_behind_by_a_crash_catches_up_with_the_log_before_the_next_entry_is_written()
    {
        using var folder = new AuditTestFolder();
        folder.Write(2);
        var headAfterTwo = File.ReadAllBytes(folder.HeadPath);
        folder.Write(1);
        File.WriteAllBytes(folder.HeadPath, headAfterTwo); // The head write of entry 3 never happened.

        // The next append stops after the head caught up and before its own line (too long for the limit), as a
        // second crash there would: the head names entry 3, so the log is never two entries ahead of it.
        using (var writer = folder.Writer(new AuditWriterOptions { MaxLineBytes = 1024 }))
        {
            var parameters = new System.Text.Json.Nodes.JsonObject();
            for (var i = 0; i < 40; i++)
            {
                parameters["field" + i] = new string('x', 100);
            }

            Assert.Throws<InvalidInputException>(() => writer.Append(AuditTestFolder.Event(4, parameters)));
        }

        Assert.Equal(new AuditVerification(true, 3, 3, null, null), folder.Verify());
    }

    [Fact]
    public void Files_are_owner_only()
    {
        using var folder = new AuditTestFolder();
        folder.Write(1);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder.Folder));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(folder.LogFiles().Single()));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(folder.HeadPath));
    }

    [Fact]
    public void A_key_of_the_wrong_length_is_refused_without_touching_disk()
    {
        using var folder = new AuditTestFolder();

        var error = Assert.Throws<InvalidInputException>(() => new AuditWriter(folder.Folder, new byte[16]));

        Assert.Equal("audit_key", error.Field);
        Assert.False(Directory.Exists(folder.Folder));
    }

    [Fact]
    public void A_disposed_writer_refuses_to_append()
    {
        using var folder = new AuditTestFolder();
        var writer = folder.Writer();
        writer.Dispose();

        Assert.Throws<ObjectDisposedException>(() => writer.Append(AuditTestFolder.Event(1)));
    }

    [Fact]
    public void The_head_record_names_the_last_sequence_and_hash()
    {
        using var folder = new AuditTestFolder();
        var last = folder.Write(2, new AuditWriterOptions { Anchor = new InMemoryAuditAnchor() })[1];

        var head = JsonNode.Parse(File.ReadAllText(folder.HeadPath))!.AsObject();

        Assert.Equal(2, (long)head["sequence"]!);
        Assert.Equal(last.Hash, (string)head["hash"]!);
        Assert.Equal("2", (string)head["anchor"]!);
        Assert.Equal("hsmwallet.audit.head", (string)head["kind"]!);
        Assert.Matches("^[0-9a-f]{64}$", (string)head["mac"]!);
    }

    [Fact]
    public void Appends_inside_a_state_session_go_through_its_journal_and_keep_the_anchor_one_step_per_entry()
    {
        using var folder = new AuditTestFolder();
        var anchor = new InMemoryAuditAnchor(41);
        var store = new HsmWallet.Core.State.FileStateStore(folder.Root);
        using var writer = folder.Writer(new AuditWriterOptions { Anchor = anchor });
        for (var n = 1; n <= 3; n++)
        {
            store.Exclusive("state/signing-01", session =>
            {
                session.Write("approvals/apv_" + n + ".json", "x"u8);
                return writer.Append(AuditTestFolder.Event(n));
            });
        }

        // Each append moved the anchor once, after the head it was written for; the journals are gone.
        Assert.Equal(44UL, anchor.Read());
        Assert.Equal(3, folder.Lines().Count);
        Assert.Empty(Directory.GetFiles(Path.Combine(folder.Root, ".state-journal")));
        Assert.Equal(new AuditVerification(true, 3, 3, null, null), folder.Verify(anchor));
        var head = JsonNode.Parse(File.ReadAllText(folder.HeadPath))!;
        Assert.Equal("44", (string)head["anchor"]!);
    }
}
