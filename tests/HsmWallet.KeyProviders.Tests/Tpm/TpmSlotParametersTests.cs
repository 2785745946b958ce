using System.Text.Json.Nodes;
using HsmWallet.Core;
using HsmWallet.KeyProviders.Tpm;
using HsmWallet.KeyProviders.Tpm.PinHardening;

namespace HsmWallet.KeyProviders.Tests.Tpm;

public sealed class TpmSlotParametersTests
{
    private static TpmSlotParameters Sample() => new()
    {
        Tcti = "swtpm:host=127.0.0.1,port=2321",
        PcrIndices = [7, 11],
        PublicBlob = new byte[] { 0, 2, 1, 2 },
        PrivateBlob = new byte[] { 0, 1, 9 },
        MaskedKey = new byte[32],
        PinKdfCost = new TpmPinKdfCost(19456, 2, 1),
        PinSalt = new byte[32],
        PersistentSrk = true,
    };

    [Fact]
    public void Parameters_written_as_JSON_read_back_equal()
    {
        var text = Sample().ToJsonString();

        var restored = TpmSlotParameters.FromJson(JsonNode.Parse(text)!.AsObject());

        Assert.Equal("swtpm:host=127.0.0.1,port=2321", restored.Tcti);
        Assert.Equal([7, 11], restored.PcrIndices);
        Assert.Equal(new byte[] { 0, 2, 1, 2 }, restored.PublicBlob.ToArray());
        Assert.Equal(new byte[] { 0, 1, 9 }, restored.PrivateBlob.ToArray());
        Assert.Equal(new TpmPinKdfCost(19456, 2, 1), restored.PinKdfCost);
        Assert.True(restored.PersistentSrk);
        Assert.True(restored.PinProtected);
    }

    [Theory]
    [InlineData("format", "2", "tpm.format")]
    [InlineData("pcr_bank", "\"sha1\"", "tpm.pcr_bank")]
    [InlineData("pcrs", "[31]", "pcrs")]
    [InlineData("masked_key", "\"AAAA\"", "tpm.masked_key")]
    [InlineData("public", "\"not base64!\"", "tpm.public")]
    [InlineData("srk", "\"0x81000002\"", "tpm.srk")]
    [InlineData("tcti", "\"\"", "tpm.tcti")]
    public void A_malformed_field_is_refused_by_name(string field, string value, string reportedField)
    {
        var json = JsonNode.Parse(Sample().ToJsonString())!.AsObject();
        json[field] = JsonNode.Parse(value);

        var error = Assert.Throws<InvalidInputException>(() => TpmSlotParameters.FromJson(json));

        Assert.Equal(reportedField, error.Field);
    }

    [Fact]
    public void A_PIN_KDF_cost_below_Argon2_minimums_is_refused()
    {
        var json = JsonNode.Parse(Sample().ToJsonString())!.AsObject();
        json["pin"]!["memory_kib"] = 4;

        var error = Assert.Throws<InvalidInputException>(() => TpmSlotParameters.FromJson(json));

        Assert.Equal("pin_kdf.memory_kib", error.Field);
    }
}

internal static class TpmSlotParametersTestExtensions
{
    public static string ToJsonString(this TpmSlotParameters parameters) => parameters.ToJson().ToJsonString();
}
