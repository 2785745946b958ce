using HsmWallet.Core.Audit;

namespace HsmWallet.Core.Tests.Audit;

public class AuditReaderTests
{
    [Fact]
    public void The_last_entries_come_oldest_first()
    {
        using var folder = new AuditTestFolder();
        var written = folder.Write(10);

        var last = AuditReader.ReadLast(folder.Folder, 3);

        Assert.Equal([8L, 9L, 10L], last.Select(e => e.Sequence));
        Assert.Equal(written[9].Hash, last[2].Hash);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(written[9].Operation.Parameters, last[2].Operation.Parameters));
        Assert.Equal(written[8] with { Operation = last[1].Operation }, last[1]);
    }

    [Fact]
    public void Asking_for_more_than_exist_returns_them_all_across_rotated_files()
    {
        using var folder = new AuditTestFolder();
        folder.Write(30, new AuditWriterOptions { MaxFileBytes = 2048 });

        var all = AuditReader.ReadLast(folder.Folder, 1000);

        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), all.Select(e => e.Sequence));
    }

    [Fact]
    public void An_empty_home_has_no_entries()
    {
        using var folder = new AuditTestFolder();

        Assert.Empty(AuditReader.ReadLast(folder.Folder, 5));
    }

    [Fact]
    public void A_count_below_one_is_refused()
    {
        using var folder = new AuditTestFolder();

        Assert.Equal("last", Assert.Throws<InvalidInputException>(() => AuditReader.ReadLast(folder.Folder, 0)).Field);
    }
}
