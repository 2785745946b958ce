using HsmWallet.KeyProviders.Tests.Tpm.Fixtures;
using HsmWallet.KeyProviders.Tpm;

namespace HsmWallet.KeyProviders.Tests.Tpm;

public sealed class TpmPcrPolicyTests(SwtpmInstance swtpm) : IClassFixture<SwtpmInstance>
{
    private const string Measurement = "16:sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private readonly TpmSealer sealer = TestPins.Sealer();

    [Fact]
    public void A_PCR_extended_after_enrolment_makes_unsealing_fail_as_a_PCR_mismatch()
    {
        var parameters = sealer.Seal(swtpm.Tcti, TestPins.VaultKey(40), [], [16], TestPins.CheapCost);
        swtpm.RunTool("tpm2_pcrextend", Measurement);
        var unsealed = new byte[32];

        var error = Assert.Throws<TpmUnlockException>(() => sealer.Unseal(parameters, [], unsealed));

        Assert.Equal(TpmFailure.PcrMismatch, error.Failure);
        Assert.Contains("re-enrol", error.Message, StringComparison.Ordinal);
        Assert.All(unsealed, b => Assert.Equal(0, b));
    }

    [Fact]
    public void A_PCR_extended_after_enrolment_refuses_even_the_right_PIN_without_counting_a_PIN_failure()
    {
        var parameters = sealer.Seal(swtpm.Tcti, TestPins.VaultKey(41), TestPins.Pin("2468"), [16, 23], TestPins.CheapCost);
        swtpm.RunTool("tpm2_pcrextend", Measurement);
        var counter = TpmSealer.Status(swtpm.Tcti).Lockout.FailedAttempts;

        var error = Assert.Throws<TpmUnlockException>(() => sealer.Unseal(parameters, TestPins.Pin("2468"), new byte[32]));

        Assert.Equal(TpmFailure.PcrMismatch, error.Failure);
        Assert.Equal(counter, TpmSealer.Status(swtpm.Tcti).Lockout.FailedAttempts);
    }

    [Fact]
    public void An_unbound_PCR_changing_does_not_affect_a_slot_bound_to_other_PCRs()
    {
        var key = TestPins.VaultKey(42);
        var parameters = sealer.Seal(swtpm.Tcti, key, [], [7], TestPins.CheapCost);
        swtpm.RunTool("tpm2_pcrextend", Measurement);
        var unsealed = new byte[32];

        sealer.Unseal(parameters, [], unsealed);

        Assert.Equal(key, unsealed);
    }
}
