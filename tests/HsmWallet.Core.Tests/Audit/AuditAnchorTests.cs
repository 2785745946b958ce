using HsmWallet.Core.Audit;

namespace HsmWallet.Core.Tests.Audit;

public sealed class AuditAnchorTests
{
    [Fact]
    public void A_counter_whose_first_increment_jumps_ahead_is_followed_by_the_head_and_the_chain_goes_on()
    {
        using var folder = new AuditTestFolder();
        var anchor = new JumpingAnchor(start: 5000);
        var options = new AuditWriterOptions { Anchor = anchor };

        folder.Write(3, options);
        folder.Write(2, options);

        Assert.Equal(5004UL, anchor.Read());
        Assert.Equal(new AuditVerification(true, 5, 5, null, null), folder.Verify(anchor));
    }

    [Fact]
    public void An_anchor_reset_to_zero_under_a_head_that_names_a_later_value_is_reported_as_rolled_back()
    {
        using var folder = new AuditTestFolder();
        folder.Write(4, new AuditWriterOptions { Anchor = new InMemoryAuditAnchor() });

        var result = folder.Verify(new InMemoryAuditAnchor());

        Assert.Equal(new AuditVerification(false, 4, 4, 5, AuditProblem.RolledBack), result);
        using var writer = folder.Writer(new AuditWriterOptions { Anchor = new InMemoryAuditAnchor() });
        Assert.Throws<AuditWriteException>(() => writer.Append(AuditTestFolder.Event(5)));
    }

    [Fact]
    public void Deleting_the_whole_audit_folder_is_reported_as_rolled_back_by_the_anchor()
    {
        using var folder = new AuditTestFolder();
        var anchor = new InMemoryAuditAnchor();
        folder.Write(3, new AuditWriterOptions { Anchor = anchor });

        Directory.Delete(folder.Folder, recursive: true);

        Assert.True(folder.Verify().Ok);
        Assert.Equal(AuditProblem.RolledBack, folder.Verify(anchor).Problem);
    }

    [Fact]
    public void A_log_written_without_an_anchor_takes_a_new_one_on()
    {
        using var folder = new AuditTestFolder();
        folder.Write(2);
        var anchor = new InMemoryAuditAnchor();

        folder.Write(2, new AuditWriterOptions { Anchor = anchor });

        Assert.Equal(2UL, anchor.Read());
        Assert.True(folder.Verify(anchor).Ok);
    }

    /// <summary>A counter like a TPM's: 0 until its first increment, which starts it at a high value.</summary>
    private sealed class JumpingAnchor(ulong start) : IAuditAnchor
    {
        private ulong value;

        public ulong Read() => value;

        public ulong Increment() => value = value == 0 ? start : value + 1;
    }
}
