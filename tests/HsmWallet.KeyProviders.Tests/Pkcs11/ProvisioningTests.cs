using System.Security.Cryptography;
using System.Text;
using HsmWallet.Core;
using HsmWallet.KeyProviders.Pkcs11;
using HsmWallet.KeyProviders.Pkcs11.Session;
using HsmWallet.KeyProviders.Tests.Pkcs11.Fixtures;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmWallet.KeyProviders.Tests.Pkcs11;

[Collection(SoftHsmTests.Name)]
public sealed class ProvisioningTests(SoftHsmFixture softHsm)
{
    private static T OnToken<T>(Pkcs11SlotConfiguration configuration, Func<ISession, T> operation) =>
        Pkcs11Module.For(configuration.ModulePath).Execute(configuration, token => token.WithReadWriteLogin(SoftHsmFixture.UserPin, operation));

    private static IObjectHandle AesKey(ISession session) => session.FindAllObjects(
    [
        session.Factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
        session.Factories.ObjectAttributeFactory.Create(CKA.CKA_LABEL, SoftHsmFixture.AesKeyLabel),
    ]).Single();

    [Fact]
    public void The_generated_AES_key_is_a_token_resident_sensitive_unextractable_unmodifiable_256_bit_key()
    {
        var values = OnToken(softHsm.AesGcm, session => session.GetAttributeValue(AesKey(session),
        [
            CKA.CKA_TOKEN, CKA.CKA_PRIVATE, CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE, CKA.CKA_MODIFIABLE,
            CKA.CKA_ALWAYS_SENSITIVE, CKA.CKA_NEVER_EXTRACTABLE, CKA.CKA_VALUE_LEN, CKA.CKA_KEY_TYPE,
        ]));

        Assert.True(values[0].GetValueAsBool(), "CKA_TOKEN");
        Assert.True(values[1].GetValueAsBool(), "CKA_PRIVATE");
        Assert.True(values[2].GetValueAsBool(), "CKA_SENSITIVE");
        Assert.False(values[3].GetValueAsBool(), "CKA_EXTRACTABLE");
        Assert.False(values[4].GetValueAsBool(), "CKA_MODIFIABLE");
        Assert.True(values[5].GetValueAsBool(), "CKA_ALWAYS_SENSITIVE");
        Assert.True(values[6].GetValueAsBool(), "CKA_NEVER_EXTRACTABLE");
        Assert.Equal(32UL, values[7].GetValueAsUlong());
        Assert.Equal((ulong)CKK.CKK_AES, values[8].GetValueAsUlong());
    }

    [Fact]
    public void The_AES_key_value_cannot_be_read_from_the_token()
    {
        var refused = OnToken(softHsm.AesGcm, session =>
        {
            try
            {
                return session.GetAttributeValue(AesKey(session), [CKA.CKA_VALUE])[0].CannotBeRead;
            }
            catch (Pkcs11Exception error)
            {
                return error.RV == CKR.CKR_ATTRIBUTE_SENSITIVE;
            }
        });

        Assert.True(refused);
    }

    [Fact]
    public void The_AES_key_cannot_be_wrapped_out_under_another_key()
    {
        var result = OnToken(softHsm.AesGcm, session =>
        {
            var attributes = session.Factories.ObjectAttributeFactory;
            var wrappingKey = session.GenerateKey(session.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_GEN),
            [
                attributes.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY),
                attributes.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
                attributes.Create(CKA.CKA_VALUE_LEN, 32UL),
                attributes.Create(CKA.CKA_TOKEN, false),
                attributes.Create(CKA.CKA_WRAP, true),
            ]);
            try
            {
                session.WrapKey(session.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_WRAP_PAD), wrappingKey, AesKey(session));
                return CKR.CKR_OK;
            }
            catch (Pkcs11Exception error)
            {
                return error.RV;
            }
        });

        Assert.Equal(CKR.CKR_KEY_UNEXTRACTABLE, result);
    }

    [Theory]
    [InlineData(Pkcs11WrapMode.Ecies, CKK.CKK_EC)]
    [InlineData(Pkcs11WrapMode.RsaOaep, CKK.CKK_RSA)]
    public void The_generated_private_key_is_sensitive_and_never_extractable(Pkcs11WrapMode mode, CKK keyType)
    {
        var configuration = mode == Pkcs11WrapMode.Ecies ? softHsm.Ecies : softHsm.RsaOaep;
        var values = OnToken(configuration, session =>
        {
            var key = session.FindAllObjects(
            [
                session.Factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY),
                session.Factories.ObjectAttributeFactory.Create(CKA.CKA_LABEL, configuration.KeyLabel!),
            ]).Single();
            return session.GetAttributeValue(key, [CKA.CKA_TOKEN, CKA.CKA_PRIVATE, CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE, CKA.CKA_NEVER_EXTRACTABLE, CKA.CKA_KEY_TYPE]);
        });

        Assert.True(values[0].GetValueAsBool());
        Assert.True(values[1].GetValueAsBool());
        Assert.True(values[2].GetValueAsBool());
        Assert.False(values[3].GetValueAsBool());
        Assert.True(values[4].GetValueAsBool());
        Assert.Equal((ulong)keyType, values[5].GetValueAsUlong());
    }

    [Fact]
    public void The_returned_public_key_PEM_is_the_tokens_P256_key()
    {
        using var key = ECDiffieHellman.Create();
        key.ImportFromPem(softHsm.EcPublicKeyPem);

        Assert.Equal(ECCurve.NamedCurves.nistP256.Oid.Value, key.ExportParameters(false).Curve.Oid.Value);
    }

    [Fact]
    public void Listing_shows_the_initialised_token_with_label_serial_manufacturer_and_model()
    {
        var tokens = Pkcs11Provisioner.ListTokens(SoftHsmFixture.ModulePath);

        var token = Assert.Single(tokens, t => t.Label == SoftHsmFixture.TokenLabel);
        Assert.Equal(softHsm.TokenSerial, token.SerialNumber);
        Assert.Equal("SoftHSM project", token.Manufacturer);
        Assert.StartsWith("SoftHSM", token.Model, StringComparison.Ordinal);
        Assert.True(token.Initialized);
        Assert.True(token.UserPinInitialized);
        Assert.True(token.LoginRequired);
        Assert.Contains(tokens, t => !t.Initialized);
    }

    [Fact]
    public void Generating_a_key_with_a_label_already_on_the_token_is_refused()
    {
        var error = Assert.Throws<InvalidInputException>(() => Pkcs11Provisioner.GenerateKey(softHsm.AesGcm, SoftHsmFixture.UserPin));

        Assert.Equal("key-label", error.Field);
    }

    [Fact]
    public void An_RSA_key_shorter_than_2048_bits_is_refused()
    {
        var configuration = SoftHsmFixture.Configuration("short-rsa", Pkcs11WrapMode.RsaOaep);

        var error = Assert.Throws<InvalidInputException>(() => Pkcs11Provisioner.GenerateKey(configuration, SoftHsmFixture.UserPin, rsaModulusBits: 1024));

        Assert.Equal("rsa-bits", error.Field);
    }

    [Fact]
    public void Initialising_a_second_token_with_a_label_in_use_is_refused()
    {
        var error = Assert.Throws<InvalidInputException>(() =>
            Pkcs11Provisioner.InitializeToken(SoftHsmFixture.ModulePath, SoftHsmFixture.TokenLabel, SoftHsmFixture.SecurityOfficerPin, SoftHsmFixture.UserPin));

        Assert.Equal("token-label", error.Field);
    }

    [Fact]
    public void A_key_generated_with_an_id_is_found_by_that_id()
    {
        var withId = new Pkcs11SlotConfiguration(SoftHsmFixture.ModulePath, SoftHsmFixture.TokenLabel, null, "vault-aes-with-id", "a1b2", Pkcs11WrapMode.AesGcm);
        Pkcs11Provisioner.GenerateKey(withId, SoftHsmFixture.UserPin);
        var byIdOnly = new Pkcs11SlotConfiguration(SoftHsmFixture.ModulePath, SoftHsmFixture.TokenLabel, null, null, "A1B2", Pkcs11WrapMode.AesGcm);
        var vaultKey = RandomNumberGenerator.GetBytes(32);
        var associatedData = Encoding.ASCII.GetBytes("id");

        var wrapped = Pkcs11Unlocker.Wrap(byIdOnly, vaultKey, associatedData, SoftHsmFixture.UserPin);
        var unwrapped = new byte[32];
        Pkcs11Unlocker.Unwrap(withId, wrapped.Wrapped, associatedData, SoftHsmFixture.UserPin, unwrapped);

        Assert.Equal(vaultKey, unwrapped);
    }

    [Theory]
    [InlineData(Pkcs11WrapMode.Ecies, "ECCP256")]
    [InlineData(Pkcs11WrapMode.RsaOaep, "RSA2048")]
    public void PIV_instructions_generate_the_right_algorithm_in_slot_9d(Pkcs11WrapMode mode, string algorithm)
    {
        var text = PivEnrolmentInstructions.ForSlot9d(mode);

        Assert.Contains($"yubico-piv-tool -a generate -s 9d -A {algorithm}", text, StringComparison.Ordinal);
        Assert.Contains($"--mode {mode.ToName()}", text, StringComparison.Ordinal);
    }

    [Fact]
    public void PIV_instructions_refuse_the_aes_mode_PIV_cannot_do()
    {
        Assert.Throws<InvalidInputException>(() => PivEnrolmentInstructions.ForSlot9d(Pkcs11WrapMode.AesGcm));
    }
}
