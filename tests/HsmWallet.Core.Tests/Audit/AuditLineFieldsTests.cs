using System.Text;
using HsmWallet.Core.Audit;

namespace HsmWallet.Core.Tests.Audit;

public class AuditLineFieldsTests
{
    [Fact]
    public void Cutting_the_hash_property_out_of_a_written_line_leaves_the_canonical_form_the_MAC_covers()
    {
        using var folder = new AuditTestFolder();
        var entry = folder.Write(2)[1];
        var line = Encoding.UTF8.GetBytes(folder.Lines()[1]);

        Assert.True(AuditLineFields.TryRead(line, out var fields));

        Assert.Equal(2, fields.Sequence);
        Assert.Equal(entry.Hash, Encoding.ASCII.GetString(line[fields.Hash]));
        Assert.Equal(entry.PreviousHash, Encoding.ASCII.GetString(line[fields.PreviousHash]));
        var cut = line[..fields.HashPropertyStart].Concat(line[fields.HashPropertyEnd..]).ToArray();
        Assert.Equal(Encoding.UTF8.GetString(JsonCanonicalizer.Serialize(entry.ToJson(includeHash: false))), Encoding.UTF8.GetString(cut));
    }
}
