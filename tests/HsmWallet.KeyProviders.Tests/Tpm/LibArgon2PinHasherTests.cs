using System.Text;
using HsmWallet.KeyProviders.Tpm.PinHardening;

namespace HsmWallet.KeyProviders.Tests.Tpm;

public sealed class LibArgon2PinHasherTests
{
    [Fact]
    public void Argon2id_matches_the_reference_implementation_test_vector()
    {
        // phc-winner-argon2 src/test.c: Argon2id v1.3, t=2, m=2^16 KiB, p=1, "password", "somesalt".
        var output = new byte[32];

        new LibArgon2PinHasher().Hash(Encoding.ASCII.GetBytes("password"), Encoding.ASCII.GetBytes("somesalt"), new TpmPinKdfCost(65536, 2, 1), output);

        Assert.Equal("09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7", Convert.ToHexStringLower(output));
    }

    [Fact]
    public void The_PIN_halves_differ_for_different_PINs_and_the_auth_value_never_ends_in_zero()
    {
        var salt = new byte[32];
        var hasher = new LibArgon2PinHasher();
        var seen = new HashSet<string>();
        for (var pin = 0; pin < 64; pin++)
        {
            var authValue = new byte[32];
            var mixingHalf = new byte[32];
            TpmPinKeyMixing.DerivePinHalves(hasher, Encoding.ASCII.GetBytes(pin.ToString("D4")), salt, new TpmPinKdfCost(64, 1, 1), authValue, mixingHalf);

            Assert.NotEqual(0, authValue[31]);
            Assert.NotEqual(authValue, mixingHalf);
            Assert.True(seen.Add(Convert.ToHexString(authValue)));
        }
    }
}
