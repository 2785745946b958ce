using System.Text.Json.Nodes;

namespace HsmWallet.Core.Tests.Fixtures;

/// <summary>Finds the reference implementation's test vectors in ../shared/xrpl-fixtures.</summary>
public static class SharedFixtures
{
    public static string Directory { get; } = Locate();

    public static JsonNode Load(string fileName) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, fileName)))
        ?? throw new InvalidDataException($"{fileName} is empty");

    private static string Locate()
    {
        var overridePath = Environment.GetEnvironmentVariable("HSMWALLET_XRPL_FIXTURES");
        if (!string.IsNullOrEmpty(overridePath))
        {
            return overridePath;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "xrpl-fixtures");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("shared/xrpl-fixtures not found above the test directory; set HSMWALLET_XRPL_FIXTURES");
    }
}
