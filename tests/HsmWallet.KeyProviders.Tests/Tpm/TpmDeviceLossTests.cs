using HsmWallet.KeyProviders.Tests.Tpm.Fixtures;
using HsmWallet.KeyProviders.Tpm;

namespace HsmWallet.KeyProviders.Tests.Tpm;

public sealed class TpmDeviceLossTests(SwtpmInstance swtpm) : IClassFixture<SwtpmInstance>
{
    private readonly TpmSealer sealer = TestPins.Sealer();

    [Fact]
    public void A_TCTI_where_no_TPM_listens_fails_as_no_device()
    {
        var parameters = sealer.Seal(swtpm.Tcti, TestPins.VaultKey(60), [], [], TestPins.CheapCost);

        var error = Assert.Throws<TpmUnlockException>(() => sealer.Unseal(parameters, "swtpm:host=127.0.0.1,port=1", [], new byte[32]));

        Assert.Equal(TpmFailure.NoDevice, error.Failure);
        Assert.Equal(TpmFailure.NoDevice, Assert.Throws<TpmUnlockException>(() => TpmSealer.Status("device:/dev/hsmwallet-no-such-tpm")).Failure);
    }

    [Fact]
    public void A_TPM_that_stops_mid_operation_fails_as_no_device_and_returns_nothing()
    {
        var key = TestPins.VaultKey(61);
        var parameters = sealer.Seal(swtpm.Tcti, key, TestPins.Pin("1234"), [7], TestPins.CheapCost);
        var succeeded = 0;
        TpmUnlockException? failure = null;
        byte[]? failedBuffer = null;
        var worker = new Thread(() =>
        {
            while (true)
            {
                var unsealed = new byte[32];
                try
                {
                    sealer.Unseal(parameters, TestPins.Pin("1234"), unsealed);
                    Assert.Equal(key, unsealed);
                    Interlocked.Increment(ref succeeded);
                }
                catch (TpmUnlockException exception)
                {
                    failure = exception;
                    failedBuffer = unsealed;
                    return;
                }
            }
        });

        worker.Start();
        // A few unseals first, so the kill lands while the worker is mid-loop (a busy machine makes each one slow).
        SpinWait.SpinUntil(() => Volatile.Read(ref succeeded) >= 2, TimeSpan.FromMinutes(2));
        swtpm.Kill();
        worker.Join();
        swtpm.Start();

        Assert.True(succeeded >= 2);
        Assert.NotNull(failure);
        Assert.Equal(TpmFailure.NoDevice, failure.Failure);
        Assert.All(failedBuffer!, b => Assert.Equal(0, b));
    }
}
