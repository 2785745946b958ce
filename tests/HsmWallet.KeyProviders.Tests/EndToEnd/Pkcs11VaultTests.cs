using System.Text;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Unlocking.Lockout;
using HsmWallet.Core.Vault;
using HsmWallet.KeyProviders.Password;
using HsmWallet.KeyProviders.Pkcs11;
using HsmWallet.KeyProviders.Tests.Pkcs11.Fixtures;

namespace HsmWallet.KeyProviders.Tests.EndToEnd;

/// <summary>
/// A vault whose key is wrapped by a SoftHSM token, driven through WalletVault as the CLI and server do.
/// That the token's AES key cannot be extracted is proven by the engine's own tests (Pkcs11/WrapUnwrapTests).
/// </summary>
[Collection(SoftHsmTests.Name)]
public sealed class Pkcs11VaultTests(SoftHsmFixture softHsm) : IDisposable
{
    private static readonly byte[] WrongPin = Encoding.ASCII.GetBytes("000000");

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    public static TheoryData<string, string> ModesAndKeyTypes => new()
    {
        { "aes-gcm", "secp256k1" },
        { "aes-gcm", "ed25519" },
        { "ecies", "secp256k1" },
        { "ecies", "ed25519" },
        { "rsa-oaep", "secp256k1" },
        { "rsa-oaep", "ed25519" },
    };

    [Theory]
    [MemberData(nameof(ModesAndKeyTypes))]
    public void A_wallet_in_a_token_wrapped_vault_signs_a_payment_that_verifies(string mode, string keyType)
    {
        var wallet = FixtureWallet.Load(keyType);
        var vault = NewVault();
        vault.Create(new CountingPinSource(SoftHsmFixture.UserPin), new Pkcs11KeyProvider(Configuration(mode)));
        var unlock = new UnlockOptions(new CountingPinSource(SoftHsmFixture.UserPin));
        vault.AddWallet(unlock, wallet.Description("w"), wallet.Entropy);

        var signed = VaultSigning.SignPayment(vault, unlock, "w");

        VaultSigning.AssertSignedBy(wallet, signed);
        var slot = Assert.Single(vault.ListSlots());
        Assert.Equal("pkcs11", slot.Kind);
        Assert.True(slot.IsHardwareBacked);
    }

    [Fact]
    public void A_wrong_PIN_fails_and_counts_toward_the_lockout()
    {
        var vault = CreateAesVault();
        var record = Path.Combine(vault.Home.StateDirectory, LockoutGuard.RecordFileName);
        var before = File.ReadAllBytes(record);

        var error = Assert.Throws<UnlockFailedException>(() => vault.ListWallets(new UnlockOptions(new CountingPinSource(WrongPin))));

        Assert.Equal(UnlockFailureReason.WrongSecret, error.Reason);
        Assert.NotEqual(before, File.ReadAllBytes(record));
        Assert.Null(vault.Lockout.LockedUntil());
    }

    [Fact]
    public void After_five_wrong_PINs_the_sixth_attempt_is_refused_without_asking_for_the_PIN_even_in_a_new_vault_instance()
    {
        var vault = CreateAesVault();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var wrong = new CountingPinSource(WrongPin);
            Assert.Throws<UnlockFailedException>(() => vault.ListWallets(new UnlockOptions(wrong)));
            Assert.Equal(1, wrong.Requests);
        }

        var right = new CountingPinSource(SoftHsmFixture.UserPin);
        var sameInstance = Assert.Throws<LockedOutException>(() => vault.ListWallets(new UnlockOptions(right)));
        var reopened = new WalletVault(WalletHome.At(vault.Home.Root), StandardKeyProviders.CreateRegistry());
        var newInstance = Assert.Throws<LockedOutException>(() => reopened.ListWallets(new UnlockOptions(right)));

        Assert.Equal(0, right.Requests);
        Assert.NotNull(sameInstance.LockedUntil);
        Assert.Equal(sameInstance.LockedUntil, newInstance.LockedUntil);
        Assert.NotNull(reopened.Lockout.LockedUntil());
    }

    [Fact]
    public void A_vault_with_a_token_slot_and_a_password_slot_opens_with_either()
    {
        var wallet = FixtureWallet.Load("ed25519");
        var vault = NewVault();
        var secrets = new CombinedSecrets(SoftHsmFixture.UserPin, "a long password");
        vault.Create(secrets, new Pkcs11KeyProvider(softHsm.AesGcm), new PasswordKeyProvider(TestCosts.Small));
        vault.AddWallet(new UnlockOptions(secrets, 1), wallet.Description("w"), wallet.Entropy);

        var byToken = VaultSigning.SignPayment(vault, new UnlockOptions(new CountingPinSource(SoftHsmFixture.UserPin), 1), "w");
        var byPassword = VaultSigning.SignPayment(vault, new UnlockOptions(ScriptedSecrets.Password("a long password"), 2), "w");

        Assert.Equal(["pkcs11", "password"], vault.ListSlots().Select(slot => slot.Kind));
        Assert.Equal([true, false], vault.ListSlots().Select(slot => slot.IsHardwareBacked));
        VaultSigning.AssertSignedBy(wallet, byToken);
        VaultSigning.AssertSignedBy(wallet, byPassword);
        Assert.Equal(byToken.TxBlob, byPassword.TxBlob);
    }

    [Fact]
    public void A_token_removed_mid_run_is_reported_unavailable_leaves_the_vault_file_alone_and_works_again_when_it_returns()
    {
        var wallet = FixtureWallet.Load("secp256k1");
        var vault = NewVault();
        vault.Create(new CountingPinSource(SoftHsmFixture.UserPin), new Pkcs11KeyProvider(softHsm.RemovableAesGcm));
        var unlock = new UnlockOptions(new CountingPinSource(SoftHsmFixture.UserPin));
        vault.AddWallet(unlock, wallet.Description("w"), wallet.Entropy);
        var vaultBytes = File.ReadAllBytes(vault.Home.VaultPath);
        var aside = Path.Combine(softHsm.Root, "removed-for-vault");

        Directory.Move(softHsm.RemovableTokenDirectory, aside);
        try
        {
            // The adapter says the device is missing; the vault reports it as "no slot could be used" and counts no failure.
            var error = Assert.Throws<UnlockFailedException>(() => VaultSigning.SignPayment(vault, unlock, "w"));
            Assert.Equal(UnlockFailureReason.ProviderUnavailable, error.Reason);
            var unavailable = Assert.IsType<KeyProviderUnavailableException>(error.InnerException);
            Assert.Contains("slot 1 (pkcs11)", unavailable.Message, StringComparison.Ordinal);
            Assert.Contains("not present", error.Message, StringComparison.Ordinal);
            Assert.Equal(vaultBytes, File.ReadAllBytes(vault.Home.VaultPath));
            Assert.Null(vault.Lockout.LockedUntil());
        }
        finally
        {
            Directory.Move(aside, softHsm.RemovableTokenDirectory);
        }

        VaultSigning.AssertSignedBy(wallet, VaultSigning.SignPayment(vault, unlock, "w"));
        Assert.Equal(vaultBytes, File.ReadAllBytes(vault.Home.VaultPath));
    }

    [Fact]
    public void Each_signature_unwraps_the_vault_key_again()
    {
        var wallet = FixtureWallet.Load("secp256k1");
        var counter = new UnwrapCounter();
        var registry = StandardKeyProviders.CreateRegistry();
        registry.Register(Pkcs11KeyProvider.KindName, () => new CountingKeyProvider(new Pkcs11KeyProvider(), counter));
        var vault = new WalletVault(WalletHome.At(_directory.Combine("home")), registry);
        vault.Create(new CountingPinSource(SoftHsmFixture.UserPin), new Pkcs11KeyProvider(softHsm.Ecies));
        var unlock = new UnlockOptions(new CountingPinSource(SoftHsmFixture.UserPin));
        vault.AddWallet(unlock, wallet.Description("w"), wallet.Entropy);
        var start = counter.Unwraps;

        VaultSigning.AssertSignedBy(wallet, VaultSigning.SignPayment(vault, unlock, "w", sequence: 1));
        var afterFirst = counter.Unwraps - start;
        VaultSigning.AssertSignedBy(wallet, VaultSigning.SignPayment(vault, unlock, "w", sequence: 2));

        Assert.Equal(1, afterFirst);
        Assert.Equal(2, counter.Unwraps - start);
    }

    private WalletVault NewVault() => new(WalletHome.At(_directory.Combine("home")), StandardKeyProviders.CreateRegistry());

    private WalletVault CreateAesVault()
    {
        var vault = NewVault();
        vault.Create(new CountingPinSource(SoftHsmFixture.UserPin), new Pkcs11KeyProvider(softHsm.AesGcm));
        return vault;
    }

    private Pkcs11SlotConfiguration Configuration(string mode) => mode switch
    {
        "aes-gcm" => softHsm.AesGcm,
        "ecies" => softHsm.Ecies,
        _ => softHsm.RsaOaep,
    };
}
