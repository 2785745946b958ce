using HsmWallet.Core.Secrets;
using HsmWallet.Core.Xrpl.Codec;
using HsmWallet.Core.Xrpl.Keys;
using HsmWallet.KeyProviders.Pkcs11;
using HsmWallet.KeyProviders.Tests.Pkcs11.Fixtures;
using HsmWallet.McpServer.Tests.Support;

namespace HsmWallet.McpServer.Tests;

/// <summary>wallet_create's on_token choice and server_status's on_token report, over MCP, on a vault opened by a SoftHSM2 slot.</summary>
[Collection(SoftHsmTests.Name)]
public sealed class OnTokenToolTests(SoftHsmFixture softHsm)
{
    private const string Destination = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe";

    [Theory]
    [InlineData("secp256k1")]
    [InlineData("ed25519")]
    public async Task An_agent_creates_an_on_token_wallet_and_tx_sign_returns_a_signature_made_on_the_token(string keyType)
    {
        await using var server = await TestServer.StartAsync(Setup());
        var name = $"mcp-{keyType}-{Guid.NewGuid():N}"[..24];

        var created = await server.OkAsync("wallet_create", new { name, key_type = keyType, on_token = true });
        var signed = await server.OkAsync("tx_sign", new
        {
            wallet = name,
            tx = new { TransactionType = "Payment", Destination, Amount = "1000", Fee = "12", Sequence = 1, LastLedgerSequence = 900 },
            autofill = false,
        });

        Assert.True(created["on_token"]!.GetValue<bool>());
        var decoded = XrplBinaryCodec.Decode(Convert.FromHexString(signed["tx_blob"]!.GetValue<string>()));
        var publicKey = created["public_key"]!.GetValue<string>();
        Assert.Equal(publicKey, decoded["SigningPubKey"]!.GetValue<string>(), ignoreCase: true);
        Assert.True(XrplSignature.Verify(XrplBinaryCodec.EncodeForSigning(decoded), Convert.FromHexString(decoded["TxnSignature"]!.GetValue<string>()), Convert.FromHexString(publicKey)));
        // The vault key was unwrapped for the signing operation, but the wallet's key never was.
        var export = await server.ErrorAsync("wallet_export", new { wallet = name }, "invalid_input");
        Assert.Contains("cannot be exported", export["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_status_lists_the_key_types_the_vaults_token_offers_on_the_device()
    {
        await using var server = await TestServer.StartAsync(Setup());

        var status = await server.OkAsync("server_status");

        var onToken = status["on_token"]!;
        Assert.Equal(SoftHsmFixture.TokenLabel, onToken["token"]!.GetValue<string>());
        Assert.Equal(["secp256k1", "ed25519"], onToken["key_types"]!.AsArray().Select(type => type!.GetValue<string>()));
        Assert.Empty(onToken["missing"]!.AsArray());
    }

    [Fact]
    public async Task On_a_vault_without_a_token_on_token_is_refused_naming_the_field_and_server_status_has_no_token_report()
    {
        await using var server = await TestServer.StartAsync(TestServerSetup.KeyFileVault());

        var error = await server.ErrorAsync("wallet_create", new { name = "no-token", on_token = true }, "invalid_input");
        var status = await server.OkAsync("server_status");

        Assert.StartsWith("on_token", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(status["on_token"]);
    }

    private TestServerSetup Setup()
    {
        var pin = SecretFiles.Write("314159");
        return new TestServerSetup
        {
            Prepare = home => SecretFiles.CreateVault(home, pin, SecretKind.Pin, new Pkcs11KeyProvider(softHsm.AesGcm)),
            Options = options => options with { PinFile = pin },
        };
    }
}
