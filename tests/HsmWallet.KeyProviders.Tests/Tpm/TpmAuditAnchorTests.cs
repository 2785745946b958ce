using System.Text.Json.Nodes;
using HsmWallet.Core;
using HsmWallet.Core.Audit;
using HsmWallet.KeyProviders.Tests.Tpm.Fixtures;
using HsmWallet.KeyProviders.Tpm;

namespace HsmWallet.KeyProviders.Tests.Tpm;

public sealed class TpmAuditAnchorTests(SwtpmInstance swtpm) : IClassFixture<SwtpmInstance>, IDisposable
{
    private static readonly byte[] Key = Enumerable.Range(7, 32).Select(i => (byte)i).ToArray();
    private readonly string root = Directory.CreateTempSubdirectory("hsmwallet-tpm-audit-").FullName;
    private static int nextIndex = 0x01123400;

    private string Folder => Path.Combine(root, "audit");

    [Fact]
    public void A_new_counter_reads_zero_and_then_moves_up_by_one_per_increment()
    {
        var anchor = NewAnchor();

        Assert.Equal(0UL, anchor.Read());
        var first = anchor.Increment();
        Assert.True(first >= 1);
        Assert.Equal(first, anchor.Read());
        Assert.Equal(first + 1, anchor.Increment());
        Assert.Equal(first + 2, anchor.Increment());
    }

    [Fact]
    public void A_restored_older_copy_of_log_and_head_is_reported_as_rolled_back_and_refused()
    {
        var anchor = NewAnchor();
        Write(anchor, 3);
        var backup = Path.Combine(root, "backup");
        Copy(Folder, backup);
        Write(anchor, 2);
        Assert.True(AuditVerifier.Verify(Folder, Key, anchor).Ok);

        Directory.Delete(Folder, recursive: true);
        Copy(backup, Folder);

        Assert.True(AuditVerifier.Verify(Folder, Key).Ok); // Without the TPM the copy looks fine.
        var result = AuditVerifier.Verify(Folder, Key, anchor);
        Assert.False(result.Ok);
        Assert.Equal(AuditProblem.RolledBack, result.Problem);
        Assert.Equal(4, result.FirstBadSequence);
        using var writer = new AuditWriter(Folder, Key, new AuditWriterOptions { Anchor = anchor });
        Assert.Throws<AuditWriteException>(() => writer.Append(Event(9)));
    }

    [Fact]
    public void A_counter_deleted_and_defined_again_is_reported_as_rolled_back()
    {
        var anchor = NewAnchor();
        Write(anchor, 4);
        Assert.True(AuditVerifier.Verify(Folder, Key, anchor).Ok);

        anchor.Undefine();

        var result = AuditVerifier.Verify(Folder, Key, anchor);
        Assert.Equal(AuditProblem.RolledBack, result.Problem);
    }

    [Fact]
    public void The_chain_continues_across_writers_and_TPM_connections()
    {
        var anchor = NewAnchor();
        Write(anchor, 2);
        Write(new TpmAuditAnchor(swtpm.Tcti, anchor.NvIndex), 3);

        Assert.Equal(new AuditVerification(true, 5, 5, null, null), AuditVerifier.Verify(Folder, Key, anchor));
    }

    [Fact]
    public void The_index_comes_from_the_slot_parameter_or_is_derived_from_the_sealed_object_in_the_owner_range()
    {
        var explicitIndex = TpmAuditAnchor.IndexFor(new JsonObject { ["audit_nv_index"] = "0x01000abc", ["public"] = "AAEC" });
        var derived = TpmAuditAnchor.IndexFor(new JsonObject { ["public"] = Convert.ToBase64String([1, 2, 3, 4]) });
        var other = TpmAuditAnchor.IndexFor(new JsonObject { ["public"] = Convert.ToBase64String([1, 2, 3, 5]) });

        Assert.Equal(0x01000abcu, explicitIndex);
        Assert.InRange(derived, TpmAuditAnchor.OwnerRangeFirst, TpmAuditAnchor.OwnerRangeLast);
        Assert.NotEqual(derived, other);
        var error = Assert.Throws<InvalidInputException>(() => TpmAuditAnchor.IndexFor(new JsonObject { ["audit_nv_index"] = "0x81000001" }));
        Assert.Equal("audit_nv_index", error.Field);
    }

    public void Dispose()
    {
        Directory.Delete(root, recursive: true);
    }

    private TpmAuditAnchor NewAnchor()
    {
        var anchor = new TpmAuditAnchor(swtpm.Tcti, (uint)Interlocked.Increment(ref nextIndex));
        anchor.Undefine();
        return anchor;
    }

    private void Write(IAuditAnchor anchor, int count)
    {
        using var writer = new AuditWriter(Folder, Key, new AuditWriterOptions { Anchor = anchor });
        for (var i = 0; i < count; i++)
        {
            writer.Append(Event(i));
        }
    }

    private static AuditEvent Event(int n) => new(
        AuditEventType.TransactionSign, "tx_sign", "corr-" + n, new AuditActor(AuditActorType.User), "tx_sign", new JsonObject { ["n"] = n }, AuditResult.Success);

    private static void Copy(string from, string to)
    {
        // Owner-only, as the writer makes it: audit folders open to others are refused.
        Directory.CreateDirectory(to, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
