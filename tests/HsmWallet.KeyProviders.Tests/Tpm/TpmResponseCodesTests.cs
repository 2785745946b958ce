using HsmWallet.KeyProviders.Tpm;

namespace HsmWallet.KeyProviders.Tests.Tpm;

public sealed class TpmResponseCodesTests
{
    [Theory]
    [InlineData(0x98Eu, TpmFailure.PinIncorrect)]
    [InlineData(0x18Eu, TpmFailure.PinIncorrect)]
    [InlineData(0x9A2u, TpmFailure.PinIncorrect)]
    [InlineData(0x921u, TpmFailure.DictionaryLockout)]
    [InlineData(0x99Du, TpmFailure.PcrMismatch)]
    [InlineData(0x128u, TpmFailure.PcrMismatch)]
    [InlineData(0x902u, TpmFailure.OutOfObjectMemory)]
    [InlineData(0x903u, TpmFailure.OutOfObjectMemory)]
    [InlineData(0xA000Au, TpmFailure.NoDevice)]
    [InlineData(0x7000Au, TpmFailure.NoDevice)]
    [InlineData(0x9Fu, TpmFailure.Other)]
    [InlineData(0x7000Bu, TpmFailure.Other)]
    public void Response_codes_map_to_the_failure_an_operator_acts_on(uint responseCode, TpmFailure expected)
    {
        Assert.Equal(expected, TpmResponseCodes.Classify(responseCode));
    }

    [Fact]
    public void An_unknown_failure_names_the_response_code_in_hex()
    {
        var error = TpmResponseCodes.ToException(0x1C4, "unsealing", lockout: null);

        Assert.Equal(TpmFailure.Other, error.Failure);
        Assert.Contains("0x1C4", error.Message, StringComparison.Ordinal);
        Assert.Contains("unsealing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lockout_says_when_it_ends_and_how_to_clear_it()
    {
        var error = TpmResponseCodes.ToException(0x921, "unsealing", new TpmLockoutState(true, 3, 3, 600, 86400));

        Assert.Equal(TimeSpan.FromSeconds(600), error.RetryAfter);
        Assert.Contains("600 s", error.Message, StringComparison.Ordinal);
        Assert.Contains("tpm2_dictionarylockout --clear-lockout", error.Message, StringComparison.Ordinal);
    }
}
