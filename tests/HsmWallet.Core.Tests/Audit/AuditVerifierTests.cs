using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Core.Audit;

namespace HsmWallet.Core.Tests.Audit;

public class AuditVerifierTests
{
    private static JsonObject Parse(string line) => JsonNode.Parse(line)!.AsObject();

    private static string Serialize(JsonObject json) => Encoding.UTF8.GetString(JsonCanonicalizer.Serialize(json));

    [Fact]
    public void An_intact_log_verifies_with_its_entry_count_and_head()
    {
        using var folder = new AuditTestFolder();
        folder.Write(5);

        var result = folder.Verify();

        Assert.Equal(new AuditVerification(true, 5, 5, null, null), result);
    }

    [Fact]
    public void A_home_without_an_audit_folder_verifies_as_empty()
    {
        using var folder = new AuditTestFolder();

        Assert.Equal(new AuditVerification(true, 0, 0, null, null), folder.Verify());
    }

    [Fact]
    public void The_result_prints_the_fields_the_interface_fixes()
    {
        var json = new AuditVerification(false, 4, 5, 5, AuditProblem.RolledBack).ToJson().ToJsonString();

        Assert.Equal("{\"ok\":false,\"entries\":4,\"head_sequence\":5,\"first_bad_sequence\":5,\"problem\":\"rolled_back\"}", json);
    }

    [Theory]
    [InlineData("id", 1)]
    [InlineData("sequence", 3)]
    [InlineData("timestamp", 3)]
    [InlineData("eventType", 5)]
    [InlineData("toolName", 2)]
    [InlineData("correlationId", 3)]
    [InlineData("actor.type", 4)]
    [InlineData("actor.id", 1)]
    [InlineData("operation.name", 3)]
    [InlineData("operation.parameters.wallet", 3)]
    [InlineData("operation.result", 2)]
    [InlineData("previousHash", 3)]
    [InlineData("hash", 3)]
    [InlineData("hash", 5)]
    public void Editing_any_field_of_any_entry_is_reported_as_edited_at_that_entry(string field, int sequence)
    {
        using var folder = new AuditTestFolder();
        folder.Write(5);
        var lines = folder.Lines();
        var entry = Parse(lines[sequence - 1]);
        var path = field.Split('.');
        var parent = path[..^1].Aggregate(entry, (node, name) => node[name]!.AsObject());
        parent[path[^1]] = field switch
        {
            "sequence" => sequence + 1,
            "eventType" => "wallet.delete",
            "actor.type" => "system",
            "operation.result" => "failure",
            "previousHash" or "hash" => new string('0', 64),
            "id" => Guid.NewGuid().ToString("D"),
            _ => "changed",
        };
        lines[sequence - 1] = Serialize(entry);
        folder.Rewrite(lines);

        var result = folder.Verify();

        Assert.False(result.Ok);
        Assert.Equal(AuditProblem.Edited, result.Problem);
        Assert.Equal(sequence, result.FirstBadSequence);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void Deleting_an_entry_is_reported_at_the_first_missing_sequence(int sequence)
    {
        using var folder = new AuditTestFolder();
        folder.Write(5);
        var lines = folder.Lines();
        lines.RemoveAt(sequence - 1);
        folder.Rewrite(lines);

        var result = folder.Verify();

        Assert.Equal(new AuditVerification(false, 4, 5, sequence, AuditProblem.Deleted), result);
    }

    [Fact]
    public void Inserting_a_forged_entry_is_reported_where_it_sits()
    {
        using var folder = new AuditTestFolder();
        var entries = folder.Write(5);
        var lines = folder.Lines();
        var forged = entries[2].ToJson();
        forged["id"] = Guid.NewGuid().ToString("D");
        forged["previousHash"] = entries[1].Hash;
        forged["operation"]!["name"] = "wallet_export";
        forged["hash"] = new string('a', 64);
        lines.Insert(2, Serialize(forged));
        folder.Rewrite(lines);

        var result = folder.Verify();

        Assert.Equal(new AuditVerification(false, 6, 5, 3, AuditProblem.Inserted), result);
    }

    [Fact]
    public void Inserting_a_replayed_copy_of_an_earlier_entry_is_reported_as_inserted()
    {
        using var folder = new AuditTestFolder();
        folder.Write(5);
        var lines = folder.Lines();
        lines.Insert(4, lines[1]);
        folder.Rewrite(lines);

        var result = folder.Verify();

        Assert.Equal(AuditProblem.Inserted, result.Problem);
        Assert.Equal(5, result.FirstBadSequence);
    }

    [Theory]
    [InlineData(3, 4)]
    [InlineData(1, 5)]
    [InlineData(2, 4)]
    public void Swapping_two_entries_is_reported_as_reordered_at_the_first_moved_sequence(int first, int second)
    {
        using var folder = new AuditTestFolder();
        folder.Write(5);
        var lines = folder.Lines();
        (lines[first - 1], lines[second - 1]) = (lines[second - 1], lines[first - 1]);
        folder.Rewrite(lines);

        var result = folder.Verify();

        Assert.Equal(new AuditVerification(false, 5, 5, first, AuditProblem.Reordered), result);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void Cutting_entries_off_the_end_is_reported_as_truncated_at_the_first_missing_sequence(int removed)
    {
        using var folder = new AuditTestFolder();
        folder.Write(5);
        var lines = folder.Lines();
        folder.Rewrite(lines.Take(5 - removed).ToList());

        var result = folder.Verify();

        Assert.Equal(new AuditVerification(false, 5 - removed, 5, 5 - removed + 1, AuditProblem.Truncated), result);
    }

    [Fact]
    public void Restoring_an_older_copy_of_log_and_head_is_caught_by_the_anchor()
    {
        using var folder = new AuditTestFolder();
        var anchor = new InMemoryAuditAnchor();
        var options = new AuditWriterOptions { Anchor = anchor };
        folder.Write(3, options);
        var backup = Path.Combine(folder.Root, "backup");
        CopyFolder(folder.Folder, backup);
        folder.Write(2, options);
        Assert.True(folder.Verify(anchor).Ok);

        Directory.Delete(folder.Folder, recursive: true);
        CopyFolder(backup, folder.Folder);

        // Both files are consistent with each other; only the anchor knows better.
        Assert.True(folder.Verify().Ok);
        Assert.Equal(new AuditVerification(false, 3, 3, 4, AuditProblem.RolledBack), folder.Verify(anchor));
        using var writer = folder.Writer(options);
        Assert.Throws<AuditWriteException>(() => writer.Append(AuditTestFolder.Event(9)));
    }

    [Fact]
    public void An_anchor_that_is_behind_the_head_after_a_crash_is_not_a_rollback()
    {
        using var folder = new AuditTestFolder();
        folder.Write(2, new AuditWriterOptions { Anchor = new InMemoryAuditAnchor() });

        // The head names anchor value 2; an anchor that stopped at 1 means the increment was cut off.
        Assert.True(folder.Verify(new InMemoryAuditAnchor(1)).Ok);
    }

    [Fact]
    public void A_different_key_fails_at_the_first_entry()
    {
        using var folder = new AuditTestFolder();
        folder.Write(3);
        var otherKey = new byte[32];

        var result = AuditVerifier.Verify(folder.Folder, otherKey);

        Assert.Equal(AuditProblem.Edited, result.Problem);
        Assert.Equal(1, result.FirstBadSequence);
    }

    [Fact]
    public void A_forged_head_record_is_reported_as_edited()
    {
        using var folder = new AuditTestFolder();
        folder.Write(3);
        var head = JsonNode.Parse(File.ReadAllText(folder.HeadPath))!.AsObject();
        head["sequence"] = 2;
        File.WriteAllText(folder.HeadPath, head.ToJsonString());

        var result = folder.Verify();

        Assert.False(result.Ok);
        Assert.Equal(AuditProblem.Edited, result.Problem);
    }

    [Fact]
    public void A_deleted_head_record_is_reported_as_unreadable()
    {
        using var folder = new AuditTestFolder();
        folder.Write(3);
        File.Delete(folder.HeadPath);

        Assert.Equal(new AuditVerification(false, 3, 0, null, AuditProblem.Unreadable), folder.Verify());
    }

    [Fact]
    public void A_line_that_is_not_JSON_is_reported_as_unreadable_at_its_sequence()
    {
        using var folder = new AuditTestFolder();
        folder.Write(4);
        var lines = folder.Lines();
        lines[1] = "{not json";
        folder.Rewrite(lines);

        var result = folder.Verify();

        Assert.Equal(AuditProblem.Unreadable, result.Problem);
        Assert.Equal(2, result.FirstBadSequence);
    }

    [Fact]
    public void An_authentic_entry_written_in_another_key_order_still_verifies_because_the_MAC_covers_the_canonical_form()
    {
        using var folder = new AuditTestFolder();
        folder.Write(3);
        var lines = folder.Lines();
        var reordered = new JsonObject();
        foreach (var (name, value) in Parse(lines[1]).Reverse().ToList())
        {
            reordered[name] = value?.DeepClone();
        }

        lines[1] = reordered.ToJsonString();
        folder.Rewrite(lines);

        Assert.True(folder.Verify().Ok);
    }

    [Fact]
    public void Deleting_a_whole_rotated_file_is_reported_at_its_first_sequence()
    {
        using var folder = new AuditTestFolder();
        folder.Write(40, new AuditWriterOptions { MaxFileBytes = 2048 });
        var files = folder.LogFiles();
        Assert.True(files.Length >= 3);
        var firstOfSecond = AuditEntry.Parse(File.ReadAllBytes(files[1]).AsSpan()[..Array.IndexOf(File.ReadAllBytes(files[1]), (byte)'\n')]).Sequence;
        File.Delete(files[1]);

        var result = folder.Verify();

        Assert.Equal(AuditProblem.Deleted, result.Problem);
        Assert.Equal(firstOfSecond, result.FirstBadSequence);
    }

    [Fact]
    public void Entries_appended_after_an_old_head_was_restored_are_reported_as_rolled_back()
    {
        using var folder = new AuditTestFolder();
        folder.Write(2);
        var oldHead = File.ReadAllBytes(folder.HeadPath);
        folder.Write(3);
        File.WriteAllBytes(folder.HeadPath, oldHead);

        var result = folder.Verify();

        Assert.Equal(new AuditVerification(false, 5, 2, 3, AuditProblem.RolledBack), result);
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        AuditTestFolder.MakePrivate(to);
    }
}
