using HsmWallet.KeyProviders.Pkcs11;
using Net.Pkcs11Interop.Common;

namespace HsmWallet.KeyProviders.Tests.Pkcs11;

public sealed class ErrorMappingTests
{
    private static readonly Pkcs11SlotConfiguration Configuration = new("/m.so", "hsm", null, "k", null, Pkcs11WrapMode.AesGcm);

    [Theory]
    [InlineData(CKR.CKR_PIN_INCORRECT, Pkcs11Failure.PinIncorrect)]
    [InlineData(CKR.CKR_PIN_LOCKED, Pkcs11Failure.PinLocked)]
    [InlineData(CKR.CKR_PIN_LEN_RANGE, Pkcs11Failure.PinFormatInvalid)]
    [InlineData(CKR.CKR_PIN_INVALID, Pkcs11Failure.PinFormatInvalid)]
    [InlineData(CKR.CKR_PIN_EXPIRED, Pkcs11Failure.PinExpired)]
    [InlineData(CKR.CKR_TOKEN_NOT_PRESENT, Pkcs11Failure.TokenNotPresent)]
    [InlineData(CKR.CKR_DEVICE_REMOVED, Pkcs11Failure.TokenNotPresent)]
    [InlineData(CKR.CKR_MECHANISM_INVALID, Pkcs11Failure.MechanismUnsupported)]
    [InlineData(CKR.CKR_DEVICE_MEMORY, Pkcs11Failure.DeviceError)]
    public void Login_return_values_map_to_the_failure_the_caller_acts_on(CKR returnValue, Pkcs11Failure failure)
    {
        var error = Pkcs11ErrorMapping.ToException(new Pkcs11Exception("C_Login", returnValue), Pkcs11ErrorMapping.Step.Login, Configuration, default);

        Assert.Equal(failure, error.Failure);
        Assert.Equal(returnValue.ToString(), error.ReturnValue);
    }

    [Theory]
    [InlineData(CKR.CKR_GENERAL_ERROR)]
    [InlineData(CKR.CKR_ENCRYPTED_DATA_INVALID)]
    [InlineData((CKR)0x35)]
    public void A_failed_decryption_is_an_integrity_failure(CKR returnValue)
    {
        Assert.Equal(Pkcs11Failure.IntegrityFailure, Pkcs11ErrorMapping.Classify(returnValue, Pkcs11ErrorMapping.Step.Decrypt));
        Assert.Equal(Pkcs11Failure.DeviceError, Pkcs11ErrorMapping.Classify(CKR.CKR_GENERAL_ERROR, Pkcs11ErrorMapping.Step.Session));
    }

    [Fact]
    public void A_locked_PIN_says_the_security_officer_must_reset_it_and_carries_the_flags()
    {
        var error = Pkcs11ErrorMapping.ToException(new Pkcs11Exception("C_Login", CKR.CKR_PIN_LOCKED), Pkcs11ErrorMapping.Step.Login, Configuration, new Pkcs11PinStatus(false, false, true));

        Assert.Contains("security officer must reset it", error.Message, StringComparison.Ordinal);
        Assert.Contains("PIN locked", error.Message, StringComparison.Ordinal);
        Assert.True(error.PinStatus.Locked);
    }

    [Theory]
    [InlineData(CKR.CKR_PIN_INCORRECT, "login", false)]
    [InlineData(CKR.CKR_GENERAL_ERROR, "login", false)]
    [InlineData(CKR.CKR_GENERAL_ERROR, "decrypt", false)]
    [InlineData(CKR.CKR_GENERAL_ERROR, "session", true)]
    [InlineData(CKR.CKR_SESSION_HANDLE_INVALID, "decrypt", true)]
    [InlineData(CKR.CKR_DEVICE_REMOVED, "login", true)]
    [InlineData(CKR.CKR_OPERATION_ACTIVE, "decrypt", true)]
    public void Only_stale_session_errors_are_retried_and_a_refused_PIN_never_is(CKR returnValue, string step, bool retried)
    {
        Assert.Equal(retried, Pkcs11ErrorMapping.IsRecoverable(returnValue, Enum.Parse<Pkcs11ErrorMapping.Step>(step, ignoreCase: true)));
    }
}
