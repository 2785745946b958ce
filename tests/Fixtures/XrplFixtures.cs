using System.Text.Json.Nodes;

namespace HsmWallet.Tests.Fixtures;

/// <summary>
/// The XRPL reference implementation's test vectors, kept in the repository under tests/Fixtures/xrpl/ and copied
/// beside the test assembly by tests/Fixtures/XrplFixtures.props, so a fresh clone finds them with nothing around it.
/// </summary>
public static class XrplFixtures
{
    /// <summary>The folder name beside the test assembly that XrplFixtures.props copies the vectors into.</summary>
    public const string FolderName = "xrpl-fixtures";

    /// <summary>
    /// The seed the reference tests sign request-sign*.json with (xrpl.js wallet tests use
    /// Wallet.fromSeed("ss1x3KLrSvfg7irFc1D929WXZ7z9H")); its key is request-sign.json's SigningPubKey.
    /// </summary>
    public const string Secret = "ss1x3KLrSvfg7irFc1D929WXZ7z9H";

    /// <summary>The vectors' folder inside the test output: never a path above the build, never one from the environment.</summary>
    public static string Directory { get; } = Locate();

    /// <summary>The full path of one vector file, for tests that hand a file to the CLI.</summary>
    public static string PathOf(string fileName)
    {
        var path = Path.Combine(Directory, fileName);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{fileName} is not among the vectors in tests/Fixtures/xrpl/ (copied to {Directory})", path);
    }

    /// <summary>One vector file parsed as JSON.</summary>
    public static JsonNode Load(string fileName) =>
        JsonNode.Parse(File.ReadAllText(PathOf(fileName)))
        ?? throw new InvalidDataException($"{fileName} is empty");

    private static string Locate()
    {
        var directory = Path.Combine(AppContext.BaseDirectory, FolderName);
        return System.IO.Directory.Exists(directory)
            ? directory
            : throw new DirectoryNotFoundException(
                $"{directory} is missing: the test project must import tests/Fixtures/XrplFixtures.props, which copies tests/Fixtures/xrpl/ there");
    }
}
