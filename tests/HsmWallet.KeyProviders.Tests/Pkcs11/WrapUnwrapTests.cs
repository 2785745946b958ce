using System.Security.Cryptography;
using System.Text;
using HsmWallet.KeyProviders.Pkcs11;
using HsmWallet.KeyProviders.Tests.Pkcs11.Fixtures;

namespace HsmWallet.KeyProviders.Tests.Pkcs11;

[Collection(SoftHsmTests.Name)]
public sealed class WrapUnwrapTests(SoftHsmFixture softHsm)
{
    private static readonly byte[] AssociatedData = Encoding.ASCII.GetBytes("slot:1|format:1");

    public static TheoryData<Pkcs11WrapMode> Modes => [Pkcs11WrapMode.AesGcm, Pkcs11WrapMode.Ecies, Pkcs11WrapMode.RsaOaep];

    private Pkcs11SlotConfiguration For(Pkcs11WrapMode mode) => mode switch
    {
        Pkcs11WrapMode.AesGcm => softHsm.AesGcm,
        Pkcs11WrapMode.Ecies => softHsm.Ecies,
        _ => softHsm.RsaOaep,
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public void Unwrapping_what_was_wrapped_returns_the_same_vault_key(Pkcs11WrapMode mode)
    {
        var vaultKey = RandomNumberGenerator.GetBytes(32);
        var wrapped = Pkcs11Unlocker.Wrap(For(mode), vaultKey, AssociatedData, SoftHsmFixture.UserPin);

        var unwrapped = new byte[32];
        Pkcs11Unlocker.Unwrap(For(mode), wrapped.Wrapped, AssociatedData, SoftHsmFixture.UserPin, unwrapped);

        Assert.Equal(vaultKey, unwrapped);
        Assert.Equal(mode, wrapped.Mode);
        Assert.DoesNotContain(Convert.ToHexString(vaultKey), Convert.ToHexString(wrapped.Wrapped));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Wrapping_twice_gives_different_bytes_that_both_unwrap(Pkcs11WrapMode mode)
    {
        var vaultKey = RandomNumberGenerator.GetBytes(32);
        var first = Pkcs11Unlocker.Wrap(For(mode), vaultKey, AssociatedData, SoftHsmFixture.UserPin);
        var second = Pkcs11Unlocker.Wrap(For(mode), vaultKey, AssociatedData, SoftHsmFixture.UserPin);

        Assert.NotEqual(first.Wrapped, second.Wrapped);
        var unwrapped = new byte[32];
        Pkcs11Unlocker.Unwrap(For(mode), second.Wrapped, AssociatedData, SoftHsmFixture.UserPin, unwrapped);
        Assert.Equal(vaultKey, unwrapped);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Other_associated_data_fails_as_an_integrity_failure_and_leaves_the_buffer_zeroed(Pkcs11WrapMode mode)
    {
        var wrapped = Pkcs11Unlocker.Wrap(For(mode), RandomNumberGenerator.GetBytes(32), AssociatedData, SoftHsmFixture.UserPin);
        var destination = Enumerable.Repeat((byte)0xAA, 32).ToArray();

        var error = Assert.Throws<Pkcs11UnlockException>(() =>
            Pkcs11Unlocker.Unwrap(For(mode), wrapped.Wrapped, Encoding.ASCII.GetBytes("slot:2|format:1"), SoftHsmFixture.UserPin, destination));

        Assert.Equal(Pkcs11Failure.IntegrityFailure, error.Failure);
        Assert.All(destination, b => Assert.Equal(0, b));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void A_flipped_bit_in_the_wrapped_key_fails_as_an_integrity_failure(Pkcs11WrapMode mode)
    {
        var wrapped = Pkcs11Unlocker.Wrap(For(mode), RandomNumberGenerator.GetBytes(32), AssociatedData, SoftHsmFixture.UserPin).Wrapped;
        wrapped[^20] ^= 0x01;

        var error = Assert.Throws<Pkcs11UnlockException>(() =>
            Pkcs11Unlocker.Unwrap(For(mode), wrapped, AssociatedData, SoftHsmFixture.UserPin, new byte[32]));

        Assert.Equal(Pkcs11Failure.IntegrityFailure, error.Failure);
    }

    [Fact]
    public void An_ecies_ephemeral_point_off_the_curve_is_refused_before_the_token_derives_with_it()
    {
        var wrapped = Pkcs11Unlocker.Wrap(softHsm.Ecies, RandomNumberGenerator.GetBytes(32), AssociatedData, ReadOnlySpan<byte>.Empty).Wrapped;
        wrapped[10] ^= 0x01;

        var error = Assert.Throws<Pkcs11UnlockException>(() =>
            Pkcs11Unlocker.Unwrap(softHsm.Ecies, wrapped, AssociatedData, SoftHsmFixture.UserPin, new byte[32]));

        Assert.Equal(Pkcs11Failure.IntegrityFailure, error.Failure);
        Assert.Null(error.ReturnValue);
    }

    [Fact]
    public void A_truncated_wrapped_key_is_refused_before_the_token_is_asked()
    {
        var error = Assert.Throws<Pkcs11UnlockException>(() =>
            Pkcs11Unlocker.Unwrap(softHsm.AesGcm, new byte[59], AssociatedData, SoftHsmFixture.UserPin, new byte[32]));

        Assert.Equal(Pkcs11Failure.IntegrityFailure, error.Failure);
    }

    [Theory]
    [InlineData(Pkcs11WrapMode.Ecies)]
    [InlineData(Pkcs11WrapMode.RsaOaep)]
    public void Enrolment_needs_only_the_public_key_and_no_PIN(Pkcs11WrapMode mode)
    {
        var vaultKey = RandomNumberGenerator.GetBytes(32);
        var fromToken = Pkcs11Unlocker.Wrap(For(mode), vaultKey, AssociatedData, ReadOnlySpan<byte>.Empty);
        var pem = mode == Pkcs11WrapMode.Ecies ? softHsm.EcPublicKeyPem : softHsm.RsaPublicKeyPem;
        var fromPem = Pkcs11Unlocker.WrapWithPublicKey(mode, pem, vaultKey, AssociatedData);

        foreach (var wrapped in new[] { fromToken, fromPem })
        {
            var unwrapped = new byte[32];
            Pkcs11Unlocker.Unwrap(For(mode), wrapped.Wrapped, AssociatedData, SoftHsmFixture.UserPin, unwrapped);
            Assert.Equal(vaultKey, unwrapped);
        }
    }

    [Fact]
    public void An_ecies_result_carries_its_ephemeral_public_key_at_the_start_of_the_wrapped_bytes()
    {
        var wrapped = Pkcs11Unlocker.Wrap(softHsm.Ecies, RandomNumberGenerator.GetBytes(32), AssociatedData, ReadOnlySpan<byte>.Empty);

        Assert.Equal(65, wrapped.EphemeralPublicKey.Length);
        Assert.Equal(0x04, wrapped.EphemeralPublicKey[0]);
        Assert.Equal(wrapped.EphemeralPublicKey, wrapped.Wrapped[..65]);
    }

    [Fact]
    public void A_key_wrapped_for_one_token_key_does_not_unwrap_with_another()
    {
        var other = Pkcs11Unlocker.WrapWithPublicKey(Pkcs11WrapMode.Ecies, ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256).ExportSubjectPublicKeyInfoPem(), RandomNumberGenerator.GetBytes(32), AssociatedData);

        var error = Assert.Throws<Pkcs11UnlockException>(() =>
            Pkcs11Unlocker.Unwrap(softHsm.Ecies, other.Wrapped, AssociatedData, SoftHsmFixture.UserPin, new byte[32]));

        Assert.Equal(Pkcs11Failure.IntegrityFailure, error.Failure);
    }

    [Fact]
    public void A_missing_key_label_is_reported_as_key_not_found()
    {
        var configuration = SoftHsmFixture.Configuration("no-such-key", Pkcs11WrapMode.AesGcm);

        var error = Assert.Throws<Pkcs11UnlockException>(() =>
            Pkcs11Unlocker.Wrap(configuration, RandomNumberGenerator.GetBytes(32), AssociatedData, SoftHsmFixture.UserPin));

        Assert.Equal(Pkcs11Failure.KeyNotFound, error.Failure);
    }

    [Fact]
    public void The_token_can_be_chosen_by_serial_instead_of_label()
    {
        var bySerial = new Pkcs11SlotConfiguration(SoftHsmFixture.ModulePath, null, softHsm.TokenSerial, SoftHsmFixture.AesKeyLabel, null, Pkcs11WrapMode.AesGcm);
        var vaultKey = RandomNumberGenerator.GetBytes(32);
        var wrapped = Pkcs11Unlocker.Wrap(softHsm.AesGcm, vaultKey, AssociatedData, SoftHsmFixture.UserPin);

        var unwrapped = new byte[32];
        Pkcs11Unlocker.Unwrap(bySerial, wrapped.Wrapped, AssociatedData, SoftHsmFixture.UserPin, unwrapped);

        Assert.Equal(vaultKey, unwrapped);
    }

    [Fact]
    public void Eight_threads_unwrapping_two_hundred_times_each_all_get_the_vault_key()
    {
        var vaultKey = RandomNumberGenerator.GetBytes(32);
        var wrappedAes = Pkcs11Unlocker.Wrap(softHsm.AesGcm, vaultKey, AssociatedData, SoftHsmFixture.UserPin).Wrapped;
        var wrappedEcies = Pkcs11Unlocker.Wrap(softHsm.Ecies, vaultKey, AssociatedData, SoftHsmFixture.UserPin).Wrapped;
        var failures = 0;
        var successes = 0;

        var threads = Enumerable.Range(0, 8).Select(index => new Thread(() =>
        {
            var useEcies = index % 4 == 3;
            var destination = new byte[32];
            for (var i = 0; i < 200; i++)
            {
                try
                {
                    Pkcs11Unlocker.Unwrap(useEcies ? softHsm.Ecies : softHsm.AesGcm, useEcies ? wrappedEcies : wrappedAes, AssociatedData, SoftHsmFixture.UserPin, destination);
                    if (destination.AsSpan().SequenceEqual(vaultKey))
                    {
                        Interlocked.Increment(ref successes);
                    }
                    else
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());

        Assert.Equal(0, failures);
        Assert.Equal(1600, successes);
    }
}
