using HsmWallet.KeyProviders.Tests.Tpm.Fixtures;
using HsmWallet.KeyProviders.Tpm;
using HsmWallet.KeyProviders.Tpm.PinHardening;

namespace HsmWallet.KeyProviders.Tests.Tpm;

public sealed class TpmToolsInteropTests(SwtpmInstance swtpm) : IClassFixture<SwtpmInstance>
{
    [Fact]
    public void Blobs_load_and_unseal_with_tpm2_tools_under_its_ecc256_primary_and_give_the_documented_key()
    {
        var hasher = new LibArgon2PinHasher();
        var key = TestPins.VaultKey(70);
        var pin = TestPins.Pin("8642");
        var parameters = new TpmSealer(hasher).Seal(swtpm.Tcti, key, pin, [], TestPins.CheapCost);
        File.WriteAllBytes(swtpm.ScratchPath("seal.pub"), parameters.PublicBlob.ToArray());
        File.WriteAllBytes(swtpm.ScratchPath("seal.priv"), parameters.PrivateBlob.ToArray());
        var authValue = new byte[32];
        var mixingHalf = new byte[32];
        TpmPinKeyMixing.DerivePinHalves(hasher, pin, parameters.PinSalt.Span, parameters.PinKdfCost!, authValue, mixingHalf);

        try
        {
            // swtpm has no resource manager: tpm2-tools leaves its objects loaded, so flush between steps.
            swtpm.RunTool("tpm2_createprimary", "-C", "o", "-G", "ecc256", "-c", swtpm.ScratchPath("primary.ctx"));
            swtpm.RunTool("tpm2_flushcontext", "-t");
            swtpm.RunTool("tpm2_load", "-C", swtpm.ScratchPath("primary.ctx"), "-u", swtpm.ScratchPath("seal.pub"), "-r", swtpm.ScratchPath("seal.priv"), "-c", swtpm.ScratchPath("seal.ctx"));
            swtpm.RunTool("tpm2_flushcontext", "-t");
            swtpm.RunTool("tpm2_unseal", "-c", swtpm.ScratchPath("seal.ctx"), "-p", "hex:" + Convert.ToHexStringLower(authValue), "-o", swtpm.ScratchPath("secret.bin"));
        }
        finally
        {
            swtpm.RunTool("tpm2_flushcontext", "-t");
        }

        var secret = File.ReadAllBytes(swtpm.ScratchPath("secret.bin"));
        var mask = new byte[32];
        TpmPinKeyMixing.Mask(secret, mixingHalf, mask);
        var derived = new byte[32];
        TpmPinKeyMixing.Xor(parameters.MaskedKey.Span, mask, derived);

        Assert.Equal(32, secret.Length);
        Assert.NotEqual(key, secret);
        Assert.Equal(key, derived);
    }

    [Fact]
    public void An_object_sealed_by_tpm2_tools_under_the_same_primary_loads_through_the_engine_blob_format()
    {
        try
        {
            swtpm.RunTool("tpm2_createprimary", "-C", "o", "-G", "ecc256", "-c", swtpm.ScratchPath("primary2.ctx"));
            swtpm.RunTool("tpm2_flushcontext", "-t");
            File.WriteAllBytes(swtpm.ScratchPath("data.bin"), new byte[32]);
            swtpm.RunTool("tpm2_create", "-C", swtpm.ScratchPath("primary2.ctx"), "-i", swtpm.ScratchPath("data.bin"), "-u", swtpm.ScratchPath("tools.pub"), "-r", swtpm.ScratchPath("tools.priv"));
        }
        finally
        {
            swtpm.RunTool("tpm2_flushcontext", "-t");
        }

        var publicBlob = File.ReadAllBytes(swtpm.ScratchPath("tools.pub"));
        var privateBlob = File.ReadAllBytes(swtpm.ScratchPath("tools.priv"));

        var parsedPublic = TpmBlobs.UnmarshalPublic(publicBlob);
        var parsedPrivate = TpmBlobs.UnmarshalPrivate(privateBlob);

        unsafe
        {
            Assert.Equal(publicBlob, TpmBlobs.MarshalPublic(&parsedPublic));
            Assert.Equal(privateBlob, TpmBlobs.MarshalPrivate(&parsedPrivate));
        }
    }
}
