using System.Text.Json.Nodes;
using HsmWallet.Core;
using HsmWallet.KeyProviders.Pkcs11;

namespace HsmWallet.KeyProviders.Tests.Pkcs11;

public sealed class SlotConfigurationTests
{
    [Fact]
    public void A_configuration_survives_a_round_trip_through_the_vault_JSON()
    {
        var configuration = new Pkcs11SlotConfiguration("/usr/lib/x86_64-linux-gnu/libykcs11.so", null, "12345678", "Private key for Key Management", "03", Pkcs11WrapMode.Ecies);

        var json = JsonNode.Parse(configuration.ToJson().ToJsonString())!.AsObject();

        Assert.Equal(configuration, Pkcs11SlotConfiguration.FromJson(json));
        Assert.Equal("ecies", json["mode"]!.GetValue<string>());
        Assert.Equal("12345678", json["tokenSerial"]!.GetValue<string>());
        Assert.False(json.ContainsKey("tokenLabel"));
    }

    [Theory]
    [InlineData("relative/module.so", "hsm", null, "k", null, "module")]
    [InlineData("/m.so", null, null, "k", null, "token")]
    [InlineData("/m.so", "hsm", "123", "k", null, "token")]
    [InlineData("/m.so", "hsm", null, null, null, "key")]
    [InlineData("/m.so", "hsm", null, null, "0g", "key-id")]
    [InlineData("/m.so", "hsm", null, null, "abc", "key-id")]
    [InlineData("/m.so", "a-label-that-is-longer-than-32-characters", null, "k", null, "token-label")]
    public void A_configuration_that_cannot_find_exactly_one_token_and_key_is_refused_naming_the_field(string module, string? tokenLabel, string? tokenSerial, string? keyLabel, string? keyId, string field)
    {
        var error = Assert.Throws<InvalidInputException>(() => new Pkcs11SlotConfiguration(module, tokenLabel, tokenSerial, keyLabel, keyId, Pkcs11WrapMode.AesGcm));

        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void An_unknown_mode_in_the_vault_JSON_is_refused()
    {
        var json = new JsonObject { ["module"] = "/m.so", ["tokenLabel"] = "t", ["keyLabel"] = "k", ["mode"] = "des" };

        var error = Assert.Throws<InvalidInputException>(() => Pkcs11SlotConfiguration.FromJson(json));

        Assert.Equal("mode", error.Field);
    }

    [Fact]
    public void A_slot_id_field_in_the_vault_JSON_is_never_needed_nor_written()
    {
        var configuration = new Pkcs11SlotConfiguration("/m.so", "t", null, "k", null, Pkcs11WrapMode.AesGcm);

        Assert.DoesNotContain("slot", configuration.ToJson().ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("aes-gcm", Pkcs11WrapMode.AesGcm)]
    [InlineData("ecies", Pkcs11WrapMode.Ecies)]
    [InlineData("rsa-oaep", Pkcs11WrapMode.RsaOaep)]
    public void Mode_names_round_trip(string name, Pkcs11WrapMode mode)
    {
        Assert.Equal(mode, Pkcs11WrapModeNames.Parse(name));
        Assert.Equal(name, mode.ToName());
    }
}
