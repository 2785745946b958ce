using System.Security.Cryptography;
using System.Text;
using HsmWallet.KeyProviders.Pkcs11;
using HsmWallet.KeyProviders.Tests.Pkcs11.Fixtures;

namespace HsmWallet.KeyProviders.Tests.Pkcs11;

[Collection(SoftHsmTests.Name)]
public sealed class TokenRemovalTests(SoftHsmFixture softHsm)
{
    private static readonly byte[] AssociatedData = Encoding.ASCII.GetBytes("slot:7|format:1");

    [Fact]
    public void A_removed_token_is_reported_as_not_present_and_works_again_when_it_returns()
    {
        var vaultKey = RandomNumberGenerator.GetBytes(32);
        var wrapped = Pkcs11Unlocker.Wrap(softHsm.RemovableAesGcm, vaultKey, AssociatedData, SoftHsmFixture.UserPin).Wrapped;
        var unwrapped = new byte[32];
        Pkcs11Unlocker.Unwrap(softHsm.RemovableAesGcm, wrapped, AssociatedData, SoftHsmFixture.UserPin, unwrapped);
        var aside = Path.Combine(softHsm.Root, "removed-token");

        Directory.Move(softHsm.RemovableTokenDirectory, aside);
        try
        {
            var error = Assert.Throws<Pkcs11UnlockException>(() =>
                Pkcs11Unlocker.Unwrap(softHsm.RemovableAesGcm, wrapped, AssociatedData, SoftHsmFixture.UserPin, unwrapped));
            Assert.True(error.Failure == Pkcs11Failure.TokenNotPresent, error.ToString());
            Assert.False(Pkcs11Unlocker.Health(softHsm.RemovableAesGcm).TokenPresent);
        }
        finally
        {
            Directory.Move(aside, softHsm.RemovableTokenDirectory);
        }

        Array.Clear(unwrapped);
        Pkcs11Unlocker.Unwrap(softHsm.RemovableAesGcm, wrapped, AssociatedData, SoftHsmFixture.UserPin, unwrapped);
        Assert.Equal(vaultKey, unwrapped);
    }

    [Fact]
    public void A_wrong_module_path_is_reported_as_module_not_found()
    {
        var configuration = new Pkcs11SlotConfiguration("/usr/lib/no-such-pkcs11-module.so", SoftHsmFixture.TokenLabel, null, SoftHsmFixture.AesKeyLabel, null, Pkcs11WrapMode.AesGcm);

        var error = Assert.Throws<Pkcs11UnlockException>(() =>
            Pkcs11Unlocker.Unwrap(configuration, new byte[60], AssociatedData, SoftHsmFixture.UserPin, new byte[32]));

        Assert.Equal(Pkcs11Failure.ModuleNotFound, error.Failure);
        Assert.False(Pkcs11Unlocker.Health(configuration).ModuleLoaded);
    }

    [Fact]
    public void A_file_that_is_not_a_PKCS11_module_is_reported_as_module_not_found()
    {
        var notAModule = Path.Combine(softHsm.Root, "not-a-module.so");
        File.WriteAllText(notAModule, "not an ELF file");
        var configuration = new Pkcs11SlotConfiguration(notAModule, SoftHsmFixture.TokenLabel, null, SoftHsmFixture.AesKeyLabel, null, Pkcs11WrapMode.AesGcm);

        var error = Assert.Throws<Pkcs11UnlockException>(() =>
            Pkcs11Unlocker.Wrap(configuration, new byte[32], AssociatedData, SoftHsmFixture.UserPin));

        Assert.Equal(Pkcs11Failure.ModuleNotFound, error.Failure);
    }

    [Fact]
    public void A_token_label_no_token_has_is_reported_as_not_present()
    {
        var configuration = new Pkcs11SlotConfiguration(SoftHsmFixture.ModulePath, "no-such-token", null, SoftHsmFixture.AesKeyLabel, null, Pkcs11WrapMode.AesGcm);

        var error = Assert.Throws<Pkcs11UnlockException>(() =>
            Pkcs11Unlocker.Unwrap(configuration, new byte[60], AssociatedData, SoftHsmFixture.UserPin, new byte[32]));

        Assert.Equal(Pkcs11Failure.TokenNotPresent, error.Failure);
    }
}
