using HsmWallet.Core.Audit;

namespace HsmWallet.Core.Tests.Audit;

/// <summary>A log missing or shorter than the vault recorded, and audit files open to others.</summary>
public sealed class AuditRecordAndModeTests
{
    [Fact]
    public void A_log_deleted_or_cut_below_the_vaults_record_is_reported_and_no_new_chain_starts_over_it()
    {
        using var folder = new AuditTestFolder();
        folder.Write(3);
        File.Delete(folder.HeadPath);
        File.Delete(folder.LogFiles().Single());

        var missing = AuditVerifier.Verify(folder.Folder, AuditTestFolder.Key, recordedSequence: 3);
        using var writer = folder.Writer();
        writer.ExpectedSequence = 3;
        var refused = Assert.Throws<AuditWriteException>(() => writer.Append(AuditTestFolder.Event(1)));

        Assert.Equal(new AuditVerification(false, 0, 0, 1, AuditProblem.Missing), missing);
        Assert.Contains("deleted", refused.Message, StringComparison.Ordinal);
        Assert.Empty(folder.LogFiles());
    }

    [Fact]
    public void A_log_shorter_than_the_vaults_record_is_truncated_and_a_new_log_with_no_record_verifies()
    {
        using var folder = new AuditTestFolder();
        folder.Write(2);

        Assert.Equal(AuditProblem.Truncated, AuditVerifier.Verify(folder.Folder, AuditTestFolder.Key, recordedSequence: 5).Problem);
        Assert.True(AuditVerifier.Verify(folder.Folder, AuditTestFolder.Key, recordedSequence: 2).Ok);
        using var empty = new AuditTestFolder();
        Assert.Equal(new AuditVerification(true, 0, 0, null, null), AuditVerifier.Verify(empty.Folder, AuditTestFolder.Key));
    }

    [Theory]
    [InlineData("log")]
    [InlineData("head")]
    public void An_audit_file_others_can_read_is_refused_by_append_verify_and_show_with_the_chmod_fix(string which)
    {
        using var folder = new AuditTestFolder();
        folder.Write(1);
        var path = which == "log" ? folder.LogFiles().Single() : folder.HeadPath;
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        using var writer = folder.Writer();

        var append = Assert.Throws<AuditWriteException>(() => writer.Append(AuditTestFolder.Event(2)));
        var verify = Assert.Throws<AuditWriteException>(() => folder.Verify());
        var show = Assert.Throws<AuditWriteException>(() => AuditReader.ReadLast(folder.Folder, 10));

        foreach (var error in new[] { append, verify, show })
        {
            Assert.Contains($"chmod 600 {path}", error.Message, StringComparison.Ordinal);
        }

        Assert.Single(folder.Lines()); // Refused, not repaired and not appended to.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(path));
    }
}
