using HsmWallet.Core.Secrets;
using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Tests.Fixtures;
using HsmWallet.Core.Vault;
using HsmWallet.KeyProviders.KeyFile;
using HsmWallet.KeyProviders.Password;
using HsmWallet.KeyProviders.Recovery;

namespace HsmWallet.KeyProviders.Tests.Vault;

public sealed class MultiSlotTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Every_slot_opens_the_same_vault_and_sees_the_same_wallets()
    {
        var home = WalletHome.At(_directory.Combine("home"));
        var vault = new WalletVault(home, StandardKeyProviders.CreateRegistry());
        var slots = vault.Create(ScriptedSecrets.Password("a long password"), new PasswordKeyProvider(TestCosts.Small), new KeyFileKeyProvider(home.DefaultKeyFilePath), new RecoveryKeyProvider());
        using var recovery = slots[2].ShowOnce!;
        var recoveryText = recovery.ReadOnlySpan.ToArray();
        vault.AddWallet(new UnlockOptions(ScriptedSecrets.Password("a long password")), new WalletDescription("w", "ed25519", "mainnet", "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh", "ED00"), [42]);

        var byPassword = vault.ListWallets(new UnlockOptions(ScriptedSecrets.Password("a long password"), 1));
        var byKeyFile = vault.ListWallets(new UnlockOptions(new SecretSourceChain(new KeyFileSecretSource()), 2));
        var byRecovery = vault.ListWallets(new UnlockOptions(new ScriptedSecrets(SecretKind.RecoveryKey, recoveryText), 3));

        Assert.Equal(["password", "keyfile", "recovery"], vault.ListSlots().Select(slot => slot.Kind));
        Assert.Equal(byPassword, byKeyFile);
        Assert.Equal(byPassword, byRecovery);
        Assert.Equal(42, vault.WithWalletSecret(new UnlockOptions(ScriptedSecrets.Password("a long password")), "w", (secret, _) => secret[0]));
    }

    [Fact]
    public void Without_a_slot_choice_the_slot_that_needs_no_prompt_is_used_first()
    {
        var home = WalletHome.At(_directory.Combine("home"));
        var vault = new WalletVault(home, StandardKeyProviders.CreateRegistry());
        vault.Create(ScriptedSecrets.Password("a long password"), new PasswordKeyProvider(TestCosts.Small), new KeyFileKeyProvider(home.DefaultKeyFilePath));
        var keys = new ScriptedTerminal("\r");
        var terminal = new TerminalSecretSource(keys, TextWriter.Null);

        var opened = vault.TestSlot(new UnlockOptions(SecretSourceChain.ForHost(new SecretOptions { Terminal = terminal, GetEnvironment = _ => null })));

        Assert.Equal(2, opened.Id);
        Assert.Equal(0, keys.Reads);
    }

    [Fact]
    public void The_registry_reports_every_standard_unlocker_healthy_here()
    {
        var health = StandardKeyProviders.CreateRegistry().CheckHealth();

        Assert.Equal(["password", "keyfile", "recovery", "pkcs11", "tpm"], health.Select(entry => entry.Kind));
        // The TPM's health depends on the machine having one; the software unlockers and PKCS#11 support are always there.
        Assert.All(health.Where(entry => entry.Kind != "tpm"), entry => Assert.True(entry.Health.IsHealthy, entry.Health.Detail));
    }

    [Fact]
    public void A_missing_explicit_key_file_names_the_option()
    {
        var home = WalletHome.At(_directory.Combine("home"));
        var vault = new WalletVault(home, StandardKeyProviders.CreateRegistry());
        vault.Create(new SecretSourceChain(), new KeyFileKeyProvider(home.DefaultKeyFilePath));

        var error = Assert.Throws<HsmWallet.Core.InvalidInputException>(() => vault.TestSlot(new UnlockOptions(new SecretSourceChain(new KeyFileSecretSource(_directory.Combine("absent.key"))))));

        Assert.Equal("key-file", error.Field);
    }
}
