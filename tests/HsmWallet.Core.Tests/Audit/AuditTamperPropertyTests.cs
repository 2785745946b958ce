using System.Text;
using System.Text.Json.Nodes;
using FsCheck.Xunit;
using HsmWallet.Core.Audit;

namespace HsmWallet.Core.Tests.Audit;

/// <summary>Edits chosen at random (any entry, any field, including nested ones) are each reported where they are.</summary>
public sealed class AuditTamperPropertyTests : IClassFixture<AuditTamperPropertyTests.WrittenLog>
{
    private const int Count = 7;
    private readonly WrittenLog log;

    public AuditTamperPropertyTests(WrittenLog log) => this.log = log;

    [Property(MaxTest = 150)]
    public bool Editing_any_field_of_any_entry_is_reported_as_edited_at_that_entry(int entryChoice, int fieldChoice)
    {
        var sequence = (int)((uint)entryChoice % Count) + 1;
        var lines = log.Lines.ToList();
        var entry = JsonNode.Parse(lines[sequence - 1])!.AsObject();
        var leaves = Leaves(entry).ToList();
        var (parent, name) = leaves[(int)((uint)fieldChoice % (uint)leaves.Count)];
        parent[name] = Changed(parent[name]!);
        lines[sequence - 1] = Encoding.UTF8.GetString(JsonCanonicalizer.Serialize(entry));

        using var folder = log.CopyWith(lines);
        var result = folder.Verify();

        return !result.Ok && result.Problem == AuditProblem.Edited && result.FirstBadSequence == sequence;
    }

    private static IEnumerable<(JsonObject Parent, string Name)> Leaves(JsonObject json)
    {
        foreach (var (name, value) in json)
        {
            if (value is JsonObject child)
            {
                foreach (var leaf in Leaves(child))
                {
                    yield return leaf;
                }
            }
            else
            {
                yield return (json, name);
            }
        }
    }

    /// <summary>A different value of the same kind: a number plus one, a string with its last character changed.</summary>
    private static JsonNode Changed(JsonNode value)
    {
        if (value.GetValueKind() == System.Text.Json.JsonValueKind.Number)
        {
            return value.GetValue<long>() + 1;
        }

        var text = value.GetValue<string>();
        var last = text[^1] == 'a' ? 'b' : 'a';
        return text[..^1] + last;
    }

    /// <summary>One log written once through the writer; each case tampers with a copy of it.</summary>
    public sealed class WrittenLog : IDisposable
    {
        private readonly AuditTestFolder folder = new();

        public WrittenLog()
        {
            folder.Write(Count);
            Lines = folder.Lines();
            Head = File.ReadAllBytes(folder.HeadPath);
        }

        public IReadOnlyList<string> Lines { get; }

        public byte[] Head { get; }

        public AuditTestFolder CopyWith(List<string> lines)
        {
            var copy = new AuditTestFolder();
            Directory.CreateDirectory(copy.Folder);
            File.WriteAllBytes(copy.HeadPath, Head);
            File.WriteAllText(Path.Combine(copy.Folder, "audit-000001.jsonl"), string.Concat(lines.Select(line => line + "\n")), new UTF8Encoding(false));
            AuditTestFolder.MakePrivate(copy.Folder);
            return copy;
        }

        public void Dispose() => folder.Dispose();
    }
}
