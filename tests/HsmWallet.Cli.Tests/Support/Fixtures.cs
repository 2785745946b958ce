using System.Text.Json.Nodes;

namespace HsmWallet.Cli.Tests.Support;

/// <summary>The reference implementation's vectors in ../shared/xrpl-fixtures, and scratch files for one test.</summary>
public static class Fixtures
{
    public static string Directory { get; } = Locate();

    public static string PathOf(string fileName) => Path.Combine(Directory, fileName);

    public static JsonNode Load(string fileName) => JsonNode.Parse(File.ReadAllText(PathOf(fileName)))!;

    /// <summary>
    /// The seed the reference tests sign request-sign*.json with (xrpl.js wallet tests use
    /// Wallet.fromSeed("ss1x3KLrSvfg7irFc1D929WXZ7z9H")); its key is request-sign.json's SigningPubKey.
    /// </summary>
    public const string Secret = "ss1x3KLrSvfg7irFc1D929WXZ7z9H";

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
