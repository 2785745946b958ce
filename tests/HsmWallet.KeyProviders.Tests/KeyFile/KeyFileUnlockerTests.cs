using System.Security.Cryptography;
using HsmWallet.Core;
using HsmWallet.Core.Secrets.Files;
using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Vault;
using HsmWallet.KeyProviders.KeyFile;
using HsmWallet.KeyProviders.Password;

namespace HsmWallet.KeyProviders.Tests.KeyFile;

public sealed class KeyFileUnlockerTests : IDisposable
{
    private static readonly WalletDescription Testnet = new("test", "ed25519", "testnet", "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh", "ED" + new string('1', 64));
    private static readonly WalletDescription Mainnet = new("main", "secp256k1", "mainnet", "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe", "02" + new string('2', 64));
    private readonly TemporaryDirectory _directory = new();
    private readonly WalletHome _home;
    private readonly WalletVault _vault;

    public KeyFileUnlockerTests()
    {
        _home = WalletHome.At(_directory.Combine("home"));
        _vault = new WalletVault(_home, StandardKeyProviders.CreateRegistry());
    }

    public void Dispose() => _directory.Dispose();

    private static UnlockOptions NoOptions() => new(SecretSourceChain.ForHost(new SecretOptions { AllowPrompt = false, GetEnvironment = _ => null }));

    private static UnlockOptions KeyFileAt(string path) => new(SecretSourceChain.ForHost(new SecretOptions { KeyFile = path, AllowPrompt = false, GetEnvironment = _ => null }));

    [Fact]
    public void The_zero_configuration_key_file_is_created_0600_and_opens_the_vault_with_no_option()
    {
        _vault.Create(new SecretSourceChain(), new KeyFileKeyProvider(_home.DefaultKeyFilePath));

        _vault.AddWallet(NoOptions(), Testnet, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);

        Assert.Equal(32, File.ReadAllBytes(_home.DefaultKeyFilePath).Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_home.DefaultKeyFilePath));
        Assert.Equal("test", Assert.Single(_vault.ListWallets(NoOptions())).Name);
    }

    [Fact]
    public void An_explicit_key_file_copy_elsewhere_opens_the_vault()
    {
        _vault.Create(new SecretSourceChain(), new KeyFileKeyProvider(_home.DefaultKeyFilePath));
        var copy = _directory.Combine("usb.key");
        ProtectedFile.CreateSecretFile(copy, File.ReadAllBytes(_home.DefaultKeyFilePath));
        File.Delete(_home.DefaultKeyFilePath);

        Assert.Equal(1, _vault.TestSlot(KeyFileAt(copy)).Id);
        Assert.Equal(UnlockFailureReason.NoSecret, Assert.Throws<UnlockFailedException>(() => _vault.TestSlot(NoOptions())).Reason);
    }

    [Fact]
    public void A_wrong_key_file_is_a_clear_error_and_nothing_is_written()
    {
        _vault.Create(new SecretSourceChain(), new KeyFileKeyProvider(_home.DefaultKeyFilePath));
        var wrong = _directory.Combine("wrong.key");
        ProtectedFile.CreateSecretFile(wrong, RandomNumberGenerator.GetBytes(32));
        var before = File.ReadAllBytes(_home.VaultPath);

        var error = Assert.Throws<UnlockFailedException>(() => _vault.AddWallet(KeyFileAt(wrong), Testnet, new byte[16]));

        Assert.Equal(UnlockFailureReason.WrongSecret, error.Reason);
        Assert.Equal("slot 1 (keyfile): the secret does not open this slot; 4 tries left before password and PIN unlocking locks", error.Message);
        Assert.Equal(before, File.ReadAllBytes(_home.VaultPath));
    }

    [Fact]
    public void A_key_file_readable_by_others_is_refused()
    {
        _vault.Create(new SecretSourceChain(), new KeyFileKeyProvider(_home.DefaultKeyFilePath));
        File.SetUnixFileMode(_home.DefaultKeyFilePath, (UnixFileMode)Convert.ToInt32("644", 8));

        var error = Assert.Throws<UnsafeFilePermissionsException>(() => _vault.TestSlot(NoOptions()));

        Assert.Equal($"chmod 600 {_home.DefaultKeyFilePath}", error.Fix);
    }

    [Fact]
    public void A_vault_with_only_key_file_slots_refuses_mainnet_wallets_until_a_password_slot_is_added()
    {
        _vault.Create(new SecretSourceChain(), new KeyFileKeyProvider(_home.DefaultKeyFilePath));

        var refused = Assert.Throws<InvalidInputException>(() => _vault.AddWallet(NoOptions(), Mainnet, new byte[32]));
        _vault.AddSlot(NoOptions(), new PasswordKeyProvider(TestCosts.Small), ScriptedSecrets.Password("a long password"));
        _vault.AddWallet(NoOptions(), Mainnet, new byte[32]);

        Assert.Equal("network", refused.Field);
        Assert.Equal("mainnet", Assert.Single(_vault.ListWallets(NoOptions())).Network);
    }

    [Fact]
    public void A_key_file_of_the_wrong_length_is_refused_at_enrolment()
    {
        var path = _directory.Combine("short.key");
        ProtectedFile.CreateSecretFile(path, new byte[31]);

        Assert.Throws<InvalidInputException>(() => _vault.Create(new SecretSourceChain(), new KeyFileKeyProvider(path)));
    }
}
