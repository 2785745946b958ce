using System.Text.RegularExpressions;
using HsmWallet.Tests.Fixtures;

namespace HsmWallet.Hosting.Tests.Application;

/// <summary>
/// The front ends are thin adapters over the application layer: no file of the CLI or the MCP server names the vault,
/// an unlocker or the signing service, so an operation cannot mean one thing on the CLI and another over MCP.
/// </summary>
public sealed partial class FrontEndBoundaryTests
{
    private static readonly string[] FrontEnds = [Path.Combine("tools", "Cli"), Path.Combine("src", "McpServer")];

    private static readonly string[] Forbidden =
    [
        "WalletVault", "UnlockedVault", "TransactionSigningService", "IKeyProvider", "StandardKeyProviders",
        "PasswordKeyProvider", "KeyFileKeyProvider", "RecoveryKeyProvider", "Pkcs11KeyProvider", "TpmKeyProvider",
    ];

    [Fact]
    public void No_front_end_file_names_the_vault_an_unlocker_or_the_signing_service()
    {
        var offences = new List<string>();
        foreach (var frontEnd in FrontEnds)
        {
            foreach (var file in Directory.EnumerateFiles(Repository.PathOf(frontEnd), "*.cs", SearchOption.AllDirectories)
                .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
            {
                var code = Comments().Replace(File.ReadAllText(file), string.Empty);
                offences.AddRange(Forbidden.Where(name => Regex.IsMatch(code, $@"\b{name}\b", RegexOptions.None, TimeSpan.FromSeconds(1)))
                    .Select(name => $"{Path.GetRelativePath(Repository.Root(), file)}: {name}"));
            }
        }

        Assert.Empty(offences);
    }

    [Fact]
    public void The_check_finds_a_front_end_that_names_the_vault()
    {
        // The scan itself must see through comments but not miss code: a known sample proves it can fail.
        const string sample = "// WalletVault in a comment is fine\nvar vault = new WalletVault(home, registry);";
        var code = Comments().Replace(sample, string.Empty);

        Assert.Matches(@"\bWalletVault\b", code);
        Assert.DoesNotContain("comment", code, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex Comments();
}
