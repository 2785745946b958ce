using HsmWallet.KeyProviders.Tests.Tpm.Fixtures;
using HsmWallet.KeyProviders.Tpm;

namespace HsmWallet.KeyProviders.Tests.Tpm;

public sealed class TpmSrkProvisioningTests(SwtpmInstance swtpm) : IClassFixture<SwtpmInstance>
{
    private readonly TpmSealer sealer = TestPins.Sealer();

    [Fact]
    public void Provisioning_persists_the_SRK_once_and_keys_sealed_before_and_after_both_unseal()
    {
        var key = TestPins.VaultKey(20);
        Assert.False(TpmSealer.Status(swtpm.Tcti).PersistentSrkPresent);
        var before = sealer.Seal(swtpm.Tcti, key, TestPins.Pin("1234"), [], TestPins.CheapCost);

        Assert.True(TpmSealer.ProvisionSrk(swtpm.Tcti));
        Assert.False(TpmSealer.ProvisionSrk(swtpm.Tcti));
        Assert.True(TpmSealer.Status(swtpm.Tcti).PersistentSrkPresent);

        var after = sealer.Seal(swtpm.Tcti, key, TestPins.Pin("1234"), [], TestPins.CheapCost);
        var unsealed = new byte[32];
        sealer.Unseal(before, TestPins.Pin("1234"), unsealed);
        Assert.Equal(key, unsealed);
        Array.Clear(unsealed);
        sealer.Unseal(after, TestPins.Pin("1234"), unsealed);

        Assert.Equal(key, unsealed);
        Assert.False(before.PersistentSrk);
        Assert.True(after.PersistentSrk);
    }
}
