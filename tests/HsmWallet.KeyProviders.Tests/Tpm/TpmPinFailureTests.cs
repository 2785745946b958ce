using HsmWallet.KeyProviders.Tests.Tpm.Fixtures;
using HsmWallet.KeyProviders.Tpm;

namespace HsmWallet.KeyProviders.Tests.Tpm;

public sealed class TpmPinFailureTests : IClassFixture<SwtpmInstance>
{
    private readonly SwtpmInstance swtpm;
    private readonly TpmSealer sealer = TestPins.Sealer();

    public TpmPinFailureTests(SwtpmInstance swtpm)
    {
        this.swtpm = swtpm;
        swtpm.RunTool("tpm2_dictionarylockout", "--setup-parameters", "--max-tries=3", "--recovery-time=1000", "--lockout-recovery-time=1000");
        swtpm.RunTool("tpm2_dictionarylockout", "--clear-lockout");
    }

    [Fact]
    public void A_wrong_PIN_is_refused_as_incorrect_and_advances_the_TPM_lockout_counter()
    {
        var parameters = sealer.Seal(swtpm.Tcti, TestPins.VaultKey(30), TestPins.Pin("2468"), [], TestPins.CheapCost);
        var before = TpmSealer.Status(swtpm.Tcti).Lockout.FailedAttempts;
        var unsealed = new byte[32];

        var error = Assert.Throws<TpmUnlockException>(() => sealer.Unseal(parameters, TestPins.Pin("1357"), unsealed));

        Assert.Equal(TpmFailure.PinIncorrect, error.Failure);
        Assert.Equal(0x98Eu, error.ResponseCode);
        Assert.Equal(before + 1, TpmSealer.Status(swtpm.Tcti).Lockout.FailedAttempts);
        Assert.DoesNotContain("1357", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("2468", error.Message, StringComparison.Ordinal);
        Assert.All(unsealed, b => Assert.Equal(0, b));
    }

    [Fact]
    public void A_wrong_PIN_under_a_PCR_policy_is_refused_as_incorrect()
    {
        var parameters = sealer.Seal(swtpm.Tcti, TestPins.VaultKey(31), TestPins.Pin("2468"), [7], TestPins.CheapCost);

        var error = Assert.Throws<TpmUnlockException>(() => sealer.Unseal(parameters, TestPins.Pin("0000"), new byte[32]));

        Assert.Equal(TpmFailure.PinIncorrect, error.Failure);
    }

    [Fact]
    public void After_the_TPM_lockout_threshold_even_the_right_PIN_is_refused_until_the_lockout_is_cleared()
    {
        var key = TestPins.VaultKey(32);
        var parameters = sealer.Seal(swtpm.Tcti, key, TestPins.Pin("2468"), [], TestPins.CheapCost);
        for (var i = 0; i < 3; i++)
        {
            var wrong = Assert.Throws<TpmUnlockException>(() => sealer.Unseal(parameters, TestPins.Pin("9999"), new byte[32]));
            Assert.Equal(TpmFailure.PinIncorrect, wrong.Failure);
        }

        var unsealed = new byte[32];
        var error = Assert.Throws<TpmUnlockException>(() => sealer.Unseal(parameters, TestPins.Pin("2468"), unsealed));

        Assert.Equal(TpmFailure.DictionaryLockout, error.Failure);
        Assert.Equal(TimeSpan.FromSeconds(1000), error.RetryAfter);
        Assert.Contains("tpm2_dictionarylockout --clear-lockout", error.Message, StringComparison.Ordinal);
        Assert.Contains("1000 s", error.Message, StringComparison.Ordinal);
        Assert.True(TpmSealer.Status(swtpm.Tcti).Lockout.InLockout);
        Assert.All(unsealed, b => Assert.Equal(0, b));

        swtpm.RunTool("tpm2_dictionarylockout", "--clear-lockout");
        sealer.Unseal(parameters, TestPins.Pin("2468"), unsealed);

        Assert.Equal(key, unsealed);
    }
}
