using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Core.Audit;

namespace HsmWallet.Core.Tests.Audit;

/// <summary>
/// Logs longer than one verification batch (4096 lines), built straight from the format in
/// docs/audit.md with HMACSHA256, so the documented format is checked independently of the writer.
/// </summary>
public class LongLogTests
{
    private const int Count = 9000;

    private static List<string> Build(string folder)
    {
        Directory.CreateDirectory(folder);
        using var hmac = new HMACSHA256(AuditTestFolder.Key);
        var previous = AuditEntry.GenesisHash;
        var lines = new List<string>(Count);
        for (var i = 1; i <= Count; i++)
        {
            var entry = new JsonObject
            {
                ["id"] = Guid.NewGuid().ToString("D"),
                ["sequence"] = i,
                ["timestamp"] = "2026-11-29T04:00:00.000Z",
                ["eventType"] = "transaction.sign",
                ["toolName"] = "tx_sign",
                ["correlationId"] = "c-" + i,
                ["actor"] = new JsonObject { ["type"] = "user" },
                ["operation"] = new JsonObject { ["name"] = "tx_sign", ["parameters"] = new JsonObject { ["n"] = i }, ["result"] = "success" },
                ["previousHash"] = previous,
            };
            previous = Convert.ToHexStringLower(hmac.ComputeHash(JsonCanonicalizer.Serialize(entry)));
            entry["hash"] = previous;
            lines.Add(Encoding.UTF8.GetString(JsonCanonicalizer.Serialize(entry)));
        }

        var head = new JsonObject { ["kind"] = "hsmwallet.audit.head", ["version"] = 1, ["sequence"] = Count, ["hash"] = previous };
        head["mac"] = Convert.ToHexStringLower(hmac.ComputeHash(JsonCanonicalizer.Serialize(head)));
        File.WriteAllText(Path.Combine(folder, "head.json"), head.ToJsonString());
        return lines;
    }

    private static AuditVerification VerifyWith(AuditTestFolder folder, List<string> lines)
    {
        File.WriteAllText(Path.Combine(folder.Folder, "audit-000001.jsonl"), string.Concat(lines.Select(l => l + "\n")));
        AuditTestFolder.MakePrivate(folder.Folder);
        return folder.Verify();
    }

    [Fact]
    public void A_log_built_from_the_documented_format_verifies_and_the_writer_continues_it()
    {
        using var folder = new AuditTestFolder();
        var lines = Build(folder.Folder);

        Assert.Equal(new AuditVerification(true, Count, Count, null, null), VerifyWith(folder, lines));
        Assert.Equal(Count + 1, folder.Write(1)[0].Sequence);
        Assert.True(folder.Verify().Ok);
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(4097)]
    [InlineData(8192)]
    [InlineData(9000)]
    public void An_edit_on_either_side_of_a_batch_boundary_is_found_at_its_sequence(int sequence)
    {
        using var folder = new AuditTestFolder();
        var lines = Build(folder.Folder);
        lines[sequence - 1] = lines[sequence - 1].Replace("\"tx_sign\",\"parameters\"", "\"tx_sigN\",\"parameters\"", StringComparison.Ordinal);

        Assert.Equal(new AuditVerification(false, Count, Count, sequence, AuditProblem.Edited), VerifyWith(folder, lines));
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(4097)]
    public void A_deletion_or_swap_at_a_batch_boundary_is_found_at_its_sequence(int sequence)
    {
        using var folder = new AuditTestFolder();
        var lines = Build(folder.Folder);
        var swapped = new List<string>(lines);
        (swapped[sequence - 1], swapped[sequence]) = (swapped[sequence], swapped[sequence - 1]);
        lines.RemoveAt(sequence - 1);

        Assert.Equal(new AuditVerification(false, Count - 1, Count, sequence, AuditProblem.Deleted), VerifyWith(folder, lines));
        Assert.Equal(new AuditVerification(false, Count, Count, sequence, AuditProblem.Reordered), VerifyWith(folder, swapped));
    }
}
