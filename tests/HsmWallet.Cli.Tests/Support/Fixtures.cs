using System.Text.Json.Nodes;

namespace HsmWallet.Cli.Tests.Support;

/// <summary>The reference implementation's vectors in ../shared/xrpl-fixtures, and scratch files for one test.</summary>
public static class Fixtures
{
    public static string Directory { get; } = Locate();

    public static string PathOf(string fileName) => Path.Combine(Directory, fileName);

    public static JsonNode Load(string fileName) => JsonNode.Parse(File.ReadAllText(PathOf(fileName)))!;

    public static string Secret => (string)Load("addresses.json")["SECRET"]!;

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "xrpl-fixtures");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("shared/xrpl-fixtures not found above the test directory");
    }
}
