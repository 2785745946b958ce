using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Vault;
using HsmWallet.KeyProviders;
using HsmWallet.KeyProviders.KeyFile;

namespace HsmWallet.Hosting.Tests.Audit;

/// <summary>A scratch home with a key-file vault (no prompt, no KDF cost) and a count of its unlocks.</summary>
public sealed class TestVault : IDisposable
{
    public static readonly WalletDescription Wallet = new("main", "ed25519", "testnet", "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh", "ED" + new string('1', 64));

    private readonly string root = Directory.CreateTempSubdirectory("hsmwallet-hosting-").FullName;

    public TestVault()
    {
        Home = WalletHome.At(Path.Combine(root, "home"));
        Vault = Open();
        Vault.Create(new SecretSourceChain(), new KeyFileKeyProvider(Home.DefaultKeyFilePath));
    }

    public WalletHome Home { get; }

    public WalletVault Vault { get; }

    public int Unlocks { get; private set; }

    public static UnlockOptions Unlock() => new(SecretSourceChain.ForHost(new SecretOptions { AllowPrompt = false, GetEnvironment = _ => null }));

    /// <summary>Another process's view of the same home: a new vault object, counting its own unlocks.</summary>
    public WalletVault Open()
    {
        var vault = new WalletVault(Home, StandardKeyProviders.CreateRegistry());
        vault.Unlocked += _ => Unlocks++;
        return vault;
    }

    /// <summary>Puts a regular file where the audit folder is: nothing can be appended, even for root (whom modes do not stop).</summary>
    public void MakeAuditFolderUnwritable()
    {
        if (Directory.Exists(Home.AuditDirectory))
        {
            Directory.Delete(Home.AuditDirectory, recursive: true);
        }

        File.WriteAllText(Home.AuditDirectory, string.Empty);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
