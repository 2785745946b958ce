using HsmWallet.KeyProviders.Tests.Tpm.Fixtures;
using HsmWallet.KeyProviders.Tpm;

namespace HsmWallet.KeyProviders.Tests.Tpm;

public sealed class TpmResourceTests(SwtpmInstance swtpm) : IClassFixture<SwtpmInstance>
{
    private readonly TpmSealer sealer = TestPins.Sealer();

    [Fact]
    public void Five_hundred_sequential_unseals_leave_no_object_or_session_in_the_TPM()
    {
        var key = TestPins.VaultKey(50);
        var parameters = sealer.Seal(swtpm.Tcti, key, TestPins.Pin("1234"), [], TestPins.CheapCost);
        var unsealed = new byte[32];

        for (var i = 0; i < 500; i++)
        {
            Array.Clear(unsealed);
            sealer.Unseal(parameters, TestPins.Pin("1234"), unsealed);
            Assert.Equal(key, unsealed);
        }

        AssertNothingLoaded();
    }

    [Fact]
    public void Failed_unseals_flush_their_objects_and_sessions_too()
    {
        var key = TestPins.VaultKey(51);
        var parameters = sealer.Seal(swtpm.Tcti, key, [], [16], TestPins.CheapCost);
        swtpm.RunTool("tpm2_pcrextend", "16:sha256=0000000000000000000000000000000000000000000000000000000000000001");

        for (var i = 0; i < 20; i++)
        {
            var error = Assert.Throws<TpmUnlockException>(() => sealer.Unseal(parameters, [], new byte[32]));
            Assert.Equal(TpmFailure.PcrMismatch, error.Failure);
        }

        AssertNothingLoaded();
    }

    [Fact]
    public void Concurrent_unseals_on_one_TPM_are_serialized_and_all_succeed()
    {
        var key = TestPins.VaultKey(52);
        var parameters = sealer.Seal(swtpm.Tcti, key, TestPins.Pin("1234"), [7], TestPins.CheapCost);

        Parallel.For(0, 24, new ParallelOptions { MaxDegreeOfParallelism = 6 }, _ =>
        {
            var unsealed = new byte[32];
            sealer.Unseal(parameters, TestPins.Pin("1234"), unsealed);
            Assert.Equal(key, unsealed);
        });

        AssertNothingLoaded();
    }

    private void AssertNothingLoaded()
    {
        Assert.Equal(string.Empty, swtpm.RunTool("tpm2_getcap", "handles-transient").Trim());
        Assert.Equal(string.Empty, swtpm.RunTool("tpm2_getcap", "handles-loaded-session").Trim());
    }
}
