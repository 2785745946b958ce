using HsmWallet.KeyProviders.Pkcs11;
using HsmWallet.KeyProviders.Tests.Pkcs11.Fixtures;

namespace HsmWallet.KeyProviders.Tests.Pkcs11;

[Collection(SoftHsmTests.Name)]
public sealed class HealthTests(SoftHsmFixture softHsm)
{
    [Theory]
    [InlineData(Pkcs11WrapMode.Ecies)]
    [InlineData(Pkcs11WrapMode.RsaOaep)]
    public void A_key_pair_configuration_is_healthy_without_a_PIN(Pkcs11WrapMode mode)
    {
        var health = Pkcs11Unlocker.Health(mode == Pkcs11WrapMode.Ecies ? softHsm.Ecies : softHsm.RsaOaep);

        Assert.True(health.ModuleLoaded);
        Assert.True(health.TokenPresent);
        Assert.True(health.KeyFound);
        Assert.True(health.Healthy);
        Assert.Null(health.Problem);
    }

    [Fact]
    public void An_aes_key_cannot_be_seen_without_a_PIN_so_key_found_is_unknown()
    {
        var health = Pkcs11Unlocker.Health(softHsm.AesGcm);

        Assert.True(health.TokenPresent);
        Assert.Null(health.KeyFound);
        Assert.True(health.Healthy);
    }

    [Fact]
    public void With_the_PIN_the_aes_key_is_found()
    {
        var health = Pkcs11Unlocker.Health(softHsm.AesGcm, SoftHsmFixture.UserPin);

        Assert.True(health.KeyFound);
        Assert.True(health.Healthy);
    }

    [Fact]
    public void A_missing_key_makes_the_configuration_unhealthy_and_says_why()
    {
        var health = Pkcs11Unlocker.Health(SoftHsmFixture.Configuration("no-such-key", Pkcs11WrapMode.Ecies));

        Assert.True(health.TokenPresent);
        Assert.False(health.KeyFound);
        Assert.False(health.Healthy);
        Assert.Contains("no-such-key", health.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_token_is_unhealthy_with_the_module_loaded()
    {
        var health = Pkcs11Unlocker.Health(new Pkcs11SlotConfiguration(SoftHsmFixture.ModulePath, "absent-token", null, "k", null, Pkcs11WrapMode.Ecies));

        Assert.True(health.ModuleLoaded);
        Assert.False(health.TokenPresent);
        Assert.False(health.Healthy);
    }
}
