using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Unlocking.Lockout;
using HsmWallet.Core.Vault;
using HsmWallet.KeyProviders.Password;
using HsmWallet.KeyProviders.Tests.Tpm.Fixtures;
using HsmWallet.KeyProviders.Tpm;

namespace HsmWallet.KeyProviders.Tests.EndToEnd;

/// <summary>A vault whose key is sealed to a (software) TPM, driven through WalletVault with the standard registry.</summary>
public sealed class TpmVaultTests(SwtpmInstance swtpm) : IClassFixture<SwtpmInstance>, IDisposable
{
    private const string Measurement = "16:sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static readonly byte[] Pin = TestPins.Pin("2468");

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("secp256k1", false)]
    [InlineData("ed25519", true)]
    public void A_wallet_in_a_TPM_sealed_vault_signs_a_payment_that_verifies(string keyType, bool boundToPcrs)
    {
        var wallet = FixtureWallet.Load(keyType);
        var vault = NewVault();
        vault.Create(new CountingPinSource(Pin), Provider(boundToPcrs ? [7, 16] : null));
        var unlock = new UnlockOptions(new CountingPinSource(Pin));
        vault.AddWallet(unlock, wallet.Description("w"), wallet.Entropy);

        VaultSigning.AssertSignedBy(wallet, VaultSigning.SignPayment(vault, unlock, "w"));
        var slot = Assert.Single(vault.ListSlots());
        Assert.Equal(("tpm", true), (slot.Kind, slot.IsHardwareBacked));
    }

    [Fact]
    public void A_wrong_TPM_PIN_fails_and_counts_toward_the_vault_lockout()
    {
        var vault = NewVault();
        vault.Create(new CountingPinSource(Pin), Provider());
        var record = Path.Combine(vault.Home.StateDirectory, LockoutGuard.RecordFileName);
        var before = File.ReadAllBytes(record);

        var error = Assert.Throws<UnlockFailedException>(() => vault.ListWallets(new UnlockOptions(new CountingPinSource(TestPins.Pin("1357")))));

        Assert.Equal(UnlockFailureReason.WrongSecret, error.Reason);
        Assert.NotEqual(before, File.ReadAllBytes(record));
        Assert.DoesNotContain("1357", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(vault.ListWallets(new UnlockOptions(new CountingPinSource(Pin))));
    }

    [Fact]
    public void A_PCR_extended_after_enrolment_fails_the_TPM_slot_with_the_PCR_message_while_the_password_slot_still_opens_the_vault()
    {
        var wallet = FixtureWallet.Load("secp256k1");
        var vault = NewVault();
        var secrets = new CombinedSecrets(Pin, "a long password");
        vault.Create(secrets, Provider([16]), new PasswordKeyProvider(TestCosts.Small));
        vault.AddWallet(new UnlockOptions(secrets, 1), wallet.Description("w"), wallet.Entropy);
        swtpm.RunTool("tpm2_pcrextend", Measurement);
        var record = Path.Combine(vault.Home.StateDirectory, LockoutGuard.RecordFileName);
        var before = File.ReadAllBytes(record);

        var error = Assert.Throws<UnlockFailedException>(() => vault.ListWallets(new UnlockOptions(new CountingPinSource(Pin), 1)));
        var signed = VaultSigning.SignPayment(vault, new UnlockOptions(ScriptedSecrets.Password("a long password"), 2), "w");

        Assert.Equal(UnlockFailureReason.ProviderUnavailable, error.Reason);
        Assert.Contains("PCR", error.Message, StringComparison.Ordinal);
        Assert.Contains("re-enrol", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(record));
        VaultSigning.AssertSignedBy(wallet, signed);
    }

    [Fact]
    public void Each_signature_unseals_the_vault_key_again()
    {
        var wallet = FixtureWallet.Load("ed25519");
        var counter = new UnwrapCounter();
        var registry = StandardKeyProviders.CreateRegistry();
        registry.Register(TpmKeyProvider.KindName, () => new CountingKeyProvider(new TpmKeyProvider(), counter));
        var vault = new WalletVault(WalletHome.At(_directory.Combine("home")), registry);
        vault.Create(new CountingPinSource(Pin), Provider());
        var unlock = new UnlockOptions(new CountingPinSource(Pin));
        vault.AddWallet(unlock, wallet.Description("w"), wallet.Entropy);
        var start = counter.Unwraps;

        VaultSigning.AssertSignedBy(wallet, VaultSigning.SignPayment(vault, unlock, "w", sequence: 1));
        VaultSigning.AssertSignedBy(wallet, VaultSigning.SignPayment(vault, unlock, "w", sequence: 2));

        Assert.Equal(2, counter.Unwraps - start);
    }

    private TpmKeyProvider Provider(IReadOnlyList<int>? pcrs = null) =>
        new(swtpm.Tcti, pcrs, withPin: true, sealer: TestPins.Sealer(), pinCost: TestPins.CheapCost);

    private WalletVault NewVault() => new(WalletHome.At(_directory.Combine("home")), StandardKeyProviders.CreateRegistry());
}
