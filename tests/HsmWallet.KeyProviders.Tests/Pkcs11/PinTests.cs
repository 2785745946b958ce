using System.Security.Cryptography;
using System.Text;
using HsmWallet.KeyProviders.Pkcs11;
using HsmWallet.KeyProviders.Tests.Pkcs11.Fixtures;

namespace HsmWallet.KeyProviders.Tests.Pkcs11;

[Collection(SoftHsmTests.Name)]
public sealed class PinTests(SoftHsmFixture softHsm)
{
    private static readonly byte[] AssociatedData = Encoding.ASCII.GetBytes("slot:1|format:1");
    private static readonly byte[] WrongPin = Encoding.ASCII.GetBytes("999999");

    [Theory]
    [InlineData(Pkcs11WrapMode.AesGcm)]
    [InlineData(Pkcs11WrapMode.Ecies)]
    [InlineData(Pkcs11WrapMode.RsaOaep)]
    public void A_wrong_PIN_is_reported_as_pin_incorrect_with_the_tokens_count_low_flag(Pkcs11WrapMode mode)
    {
        var configuration = SoftHsmFixture.Configuration(mode switch
        {
            Pkcs11WrapMode.AesGcm => SoftHsmFixture.AesKeyLabel,
            Pkcs11WrapMode.Ecies => SoftHsmFixture.EcKeyLabel,
            _ => SoftHsmFixture.RsaKeyLabel,
        }, mode);
        var vaultKey = RandomNumberGenerator.GetBytes(32);
        var wrapped = Pkcs11Unlocker.Wrap(configuration, vaultKey, AssociatedData, SoftHsmFixture.UserPin);

        var error = Assert.Throws<Pkcs11UnlockException>(() =>
            Pkcs11Unlocker.Unwrap(configuration, wrapped.Wrapped, AssociatedData, WrongPin, new byte[32]));

        Assert.Equal(Pkcs11Failure.PinIncorrect, error.Failure);
        Assert.Equal("CKR_PIN_INCORRECT", error.ReturnValue);
        Assert.True(error.PinStatus.CountLow);
        Assert.Contains("PIN count low", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("999999", error.Message, StringComparison.Ordinal);

        // SoftHSM2 never locks: the right PIN still works (HsmWallet's own lockout must count failures).
        var unwrapped = new byte[32];
        Pkcs11Unlocker.Unwrap(configuration, wrapped.Wrapped, AssociatedData, SoftHsmFixture.UserPin, unwrapped);
        Assert.Equal(vaultKey, unwrapped);
    }

    [Fact]
    public void A_wrong_PIN_while_another_thread_is_logged_in_is_still_refused()
    {
        var wrapped = Pkcs11Unlocker.Wrap(softHsm.AesGcm, RandomNumberGenerator.GetBytes(32), AssociatedData, SoftHsmFixture.UserPin).Wrapped;
        using var stop = new CancellationTokenSource();
        var busyFailures = 0;
        var busy = new Thread(() =>
        {
            var destination = new byte[32];
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    Pkcs11Unlocker.Unwrap(softHsm.AesGcm, wrapped, AssociatedData, SoftHsmFixture.UserPin, destination);
                }
                catch (Pkcs11UnlockException)
                {
                    Interlocked.Increment(ref busyFailures);
                }
            }
        });
        busy.Start();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var error = Assert.Throws<Pkcs11UnlockException>(() =>
                    Pkcs11Unlocker.Unwrap(softHsm.AesGcm, wrapped, AssociatedData, WrongPin, new byte[32]));
                Assert.Equal(Pkcs11Failure.PinIncorrect, error.Failure);
            }
        }
        finally
        {
            stop.Cancel();
            busy.Join();
        }

        // The wrong PIN never logged the right one out from under the working thread.
        Assert.Equal(0, busyFailures);
    }

    [Fact]
    public void An_empty_PIN_is_refused_without_asking_the_token_and_no_default_PIN_is_tried()
    {
        var wrapped = Pkcs11Unlocker.Wrap(softHsm.AesGcm, RandomNumberGenerator.GetBytes(32), AssociatedData, SoftHsmFixture.UserPin).Wrapped;

        var error = Assert.Throws<Pkcs11UnlockException>(() =>
            Pkcs11Unlocker.Unwrap(softHsm.AesGcm, wrapped, AssociatedData, ReadOnlySpan<byte>.Empty, new byte[32]));

        Assert.Equal(Pkcs11Failure.PinFormatInvalid, error.Failure);
        Assert.Null(error.ReturnValue);
        var token = Pkcs11Provisioner.ListTokens(SoftHsmFixture.ModulePath).Single(t => t.Label == SoftHsmFixture.TokenLabel);
        Assert.False(token.PinStatus.CountLow);
    }
}
