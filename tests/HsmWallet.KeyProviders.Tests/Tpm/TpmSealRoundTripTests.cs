using System.Text.Json.Nodes;
using HsmWallet.Core;
using HsmWallet.KeyProviders.Tests.Tpm.Fixtures;
using HsmWallet.KeyProviders.Tpm;

namespace HsmWallet.KeyProviders.Tests.Tpm;

public sealed class TpmSealRoundTripTests(SwtpmInstance swtpm) : IClassFixture<SwtpmInstance>
{
    private readonly TpmSealer sealer = TestPins.Sealer();

    [Fact]
    public void A_key_sealed_without_PIN_or_PCRs_comes_back_unchanged()
    {
        var key = TestPins.VaultKey(1);
        var parameters = sealer.Seal(swtpm.Tcti, key, [], [], TestPins.CheapCost);
        var unsealed = new byte[32];

        sealer.Unseal(parameters, [], unsealed);

        Assert.Equal(key, unsealed);
        Assert.False(parameters.PinProtected);
    }

    [Fact]
    public void A_key_sealed_with_a_PIN_comes_back_with_that_PIN()
    {
        var key = TestPins.VaultKey(2);
        var parameters = sealer.Seal(swtpm.Tcti, key, TestPins.Pin("4711"), [], TestPins.CheapCost);
        var unsealed = new byte[32];

        sealer.Unseal(parameters, TestPins.Pin("4711"), unsealed);

        Assert.Equal(key, unsealed);
        Assert.True(parameters.PinProtected);
    }

    [Fact]
    public void A_key_sealed_to_PCRs_comes_back_while_they_are_unchanged()
    {
        var key = TestPins.VaultKey(3);
        var parameters = sealer.Seal(swtpm.Tcti, key, [], [7, 11], TestPins.CheapCost);
        var unsealed = new byte[32];

        sealer.Unseal(parameters, [], unsealed);

        Assert.Equal(key, unsealed);
        Assert.Equal([7, 11], parameters.PcrIndices);
    }

    [Fact]
    public void A_key_sealed_with_PIN_and_PCRs_comes_back_with_both()
    {
        var key = TestPins.VaultKey(4);
        var parameters = sealer.Seal(swtpm.Tcti, key, TestPins.Pin("correct horse"), [0, 7], TestPins.CheapCost);
        var unsealed = new byte[32];

        sealer.Unseal(parameters, TestPins.Pin("correct horse"), unsealed);

        Assert.Equal(key, unsealed);
    }

    [Fact]
    public void Slot_parameters_survive_the_vault_JSON_and_still_unseal()
    {
        var key = TestPins.VaultKey(5);
        var parameters = sealer.Seal(swtpm.Tcti, key, TestPins.Pin("1234"), [7], TestPins.CheapCost);
        var text = parameters.ToJson().ToJsonString();
        var restored = TpmSlotParameters.FromJson(JsonNode.Parse(text)!.AsObject());
        var unsealed = new byte[32];

        sealer.Unseal(restored, TestPins.Pin("1234"), unsealed);

        Assert.Equal(key, unsealed);
        Assert.DoesNotContain("1234", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_enrolments_of_the_same_key_store_different_secrets()
    {
        var key = TestPins.VaultKey(6);
        var first = sealer.Seal(swtpm.Tcti, key, TestPins.Pin("1234"), [], TestPins.CheapCost);
        var second = sealer.Seal(swtpm.Tcti, key, TestPins.Pin("1234"), [], TestPins.CheapCost);

        Assert.NotEqual(first.MaskedKey.ToArray(), second.MaskedKey.ToArray());
        Assert.NotEqual(first.PinSalt.ToArray(), second.PinSalt.ToArray());
    }

    [Fact]
    public void The_masked_key_stored_in_the_slot_is_not_the_vault_key()
    {
        var key = TestPins.VaultKey(7);
        var parameters = sealer.Seal(swtpm.Tcti, key, [], [], TestPins.CheapCost);

        Assert.NotEqual(key, parameters.MaskedKey.ToArray());
    }

    [Fact]
    public void A_slot_with_a_PIN_refuses_an_empty_PIN_before_touching_the_TPM()
    {
        var parameters = sealer.Seal(swtpm.Tcti, TestPins.VaultKey(8), TestPins.Pin("1234"), [], TestPins.CheapCost);
        var unsealed = new byte[32];

        var error = Assert.Throws<InvalidInputException>(() => sealer.Unseal(parameters, [], unsealed));

        Assert.Equal("pin", error.Field);
        Assert.All(unsealed, b => Assert.Equal(0, b));
    }

    [Fact]
    public void A_slot_without_a_PIN_refuses_a_PIN_instead_of_ignoring_it()
    {
        var parameters = sealer.Seal(swtpm.Tcti, TestPins.VaultKey(10), [], [], TestPins.CheapCost);

        var error = Assert.Throws<InvalidInputException>(() => sealer.Unseal(parameters, TestPins.Pin("1234"), new byte[32]));

        Assert.Equal("pin", error.Field);
    }

    [Fact]
    public void A_vault_key_of_the_wrong_length_is_refused()
    {
        var error = Assert.Throws<InvalidInputException>(() => sealer.Seal(swtpm.Tcti, new byte[16], [], [], TestPins.CheapCost));

        Assert.Equal("vault_key", error.Field);
    }

    [Fact]
    public void A_PCR_index_beyond_23_is_refused()
    {
        var error = Assert.Throws<InvalidInputException>(() => sealer.Seal(swtpm.Tcti, TestPins.VaultKey(9), [], [24], TestPins.CheapCost));

        Assert.Equal("pcrs", error.Field);
    }

    [Fact]
    public void Status_names_the_simulator_and_its_lockout_counters()
    {
        var status = TpmSealer.Status(swtpm.Tcti);

        Assert.Equal("IBM", status.Manufacturer);
        Assert.True(status.Lockout.MaxFailedAttempts > 0);
        Assert.False(status.Lockout.InLockout);
    }
}
