using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Vault;
using HsmWallet.KeyProviders;
using HsmWallet.KeyProviders.KeyFile;

namespace HsmWallet.Vault.Bench;

/// <summary>One signing-path operation with a key-file slot: read and verify the vault, unwrap, decrypt one record, zero.</summary>
public class KeyFileUnlockBenchmarks
{
    private string _directory = string.Empty;
    private WalletVault? _vault;
    private UnlockOptions? _unlock;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "hsmwallet-bench-" + Guid.NewGuid().ToString("N"));
        var home = WalletHome.At(_directory);
        _vault = new WalletVault(home, StandardKeyProviders.CreateRegistry());
        _vault.Create(new SecretSourceChain(), new KeyFileKeyProvider(home.DefaultKeyFilePath));
        _unlock = new UnlockOptions(new SecretSourceChain(new KeyFileSecretSource()));
        for (var i = 0; i < 10; i++)
        {
            _vault.AddWallet(_unlock, new WalletDescription($"w{i}", "ed25519", "testnet", $"r{i:D6}".PadRight(30, 'x'), "ED00"), RandomNumberGenerator.GetBytes(32));
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark]
    public byte UnwrapAndDecryptOneRecord() => _vault!.WithWalletSecret(_unlock!, "w5", (secret, _) => secret[0]);
}
