using HsmWallet.Core.Secrets;
using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Vault;
using HsmWallet.KeyProviders;

namespace HsmWallet.McpServer.Tests.Support;

/// <summary>Owner-only secret files for a test, and vaults created with them.</summary>
public static class SecretFiles
{
    /// <summary>Writes <paramref name="text"/> to a new 0600 file and returns its path.</summary>
    public static string Write(string text)
    {
        var folder = Directory.CreateTempSubdirectory("hsmwallet-mcp-secret-").FullName;
        var path = Path.Combine(folder, "secret");
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    /// <summary>Creates the vault of <paramref name="home"/> with one slot whose secret is in <paramref name="secretFile"/>.</summary>
    public static void CreateVault(string home, string secretFile, SecretKind kind, IKeyProvider provider) =>
        new WalletVault(WalletHome.At(home), StandardKeyProviders.CreateRegistry()).Create(new SecretFileSource(secretFile, kind), provider);
}
