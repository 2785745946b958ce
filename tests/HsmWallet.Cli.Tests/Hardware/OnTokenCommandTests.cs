using System.Text.Json.Nodes;
using HsmWallet.Core.Xrpl.Codec;
using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.Cli.Tests.Hardware;

/// <summary>`hsmwallet wallet create --on-token` and the refused `wallet import --on-token`, run as the operator runs them, on a private SoftHSM2.</summary>
public sealed class OnTokenCommandTests : IDisposable
{
    private const string TokenLabel = "cli-on-token";
    private readonly PrivateSoftHsm _softHsm = new();
    private readonly string _pin;
    private readonly string _home;

    public OnTokenCommandTests()
    {
        _pin = _softHsm.SecretFile("pin", "314159");
        var securityOfficerPin = _softHsm.SecretFile("so-pin", "27182818");
        _home = Path.Combine(_softHsm.Root, "home");
        var provisioned = Run("token", "provision", "--module", PrivateSoftHsm.ModulePath, "--token-label", TokenLabel, "--key-label", "vault-aes",
            "--pin-file", _pin, "--init-token", "--so-pin-file", securityOfficerPin, "--json");
        Assert.True(provisioned.ExitCode == 0, provisioned.Stdout + provisioned.Stderr);
        var init = Run("init", "--home", _home, "--unlocker", "pkcs11", "--module", PrivateSoftHsm.ModulePath, "--token-label", TokenLabel,
            "--key-label", "vault-aes", "--pin-file", _pin, "--json");
        Assert.True(init.ExitCode == 0, init.Stdout + init.Stderr);
    }

    public void Dispose() => _softHsm.Dispose();

    [Fact]
    public void Wallet_create_on_token_makes_the_key_on_the_vaults_token_and_tx_sign_signs_with_it_there()
    {
        var created = Run("wallet", "create", "--home", _home, "--name", "cold", "--on-token", "--key-type", "secp256k1", "--pin-file", _pin, "--json");
        Assert.True(created.ExitCode == 0, created.Stdout + created.Stderr);
        var wallet = JsonNode.Parse(created.Stdout)!;
        var tx = Path.Combine(_softHsm.Root, "payment.json");
        File.WriteAllText(tx, new JsonObject
        {
            ["TransactionType"] = "Payment",
            ["Account"] = (string)wallet["address"]!,
            ["Destination"] = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe",
            ["Amount"] = "1000",
            ["Fee"] = "12",
            ["Sequence"] = 1,
        }.ToJsonString());

        var signed = Run("tx", "sign", "--home", _home, "--wallet", "cold", "--tx", tx, "--pin-file", _pin, "--json");

        Assert.Equal(TokenLabel, (string)wallet["on_token"]!["token"]!);
        Assert.Equal("hsmwallet-cold", (string)wallet["on_token"]!["key_label"]!);
        Assert.True(signed.ExitCode == 0, signed.Stdout + signed.Stderr);
        var decoded = XrplBinaryCodec.Decode(Convert.FromHexString((string)JsonNode.Parse(signed.Stdout)!["tx_blob"]!));
        Assert.True(XrplSignature.Verify(
            XrplBinaryCodec.EncodeForSigning(decoded),
            Convert.FromHexString(decoded["TxnSignature"]!.GetValue<string>()),
            Convert.FromHexString((string)wallet["public_key"]!)));
        Assert.DoesNotContain("314159", created.Stdout + created.Stderr + signed.Stdout + signed.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Wallet_create_on_token_takes_the_token_and_key_label_options_as_the_pkcs11_unlocker_does()
    {
        var created = Run("wallet", "create", "--home", _home, "--name", "named", "--on-token", "--key-type", "ed25519", "--module", PrivateSoftHsm.ModulePath,
            "--token-label", TokenLabel, "--key-label", "my-ed-key", "--pin-file", _pin, "--json");

        Assert.True(created.ExitCode == 0, created.Stdout + created.Stderr);
        var wallet = JsonNode.Parse(created.Stdout)!;
        Assert.Equal("ed25519", (string)wallet["key_type"]!);
        Assert.Equal("my-ed-key", (string)wallet["on_token"]!["key_label"]!);
        var listed = JsonNode.Parse(Run("wallet", "list", "--home", _home, "--pin-file", _pin, "--json").Stdout)!["wallets"]!.AsArray();
        Assert.NotNull(Assert.Single(listed)!["on_token"]);
    }

    [Fact]
    public void Status_lists_the_key_types_the_vaults_token_can_keep_on_the_device()
    {
        var result = Run("status", "--home", _home, "--json");

        Assert.Equal(0, result.ExitCode);
        var onToken = JsonNode.Parse(result.Stdout)!["on_token"]!;
        Assert.Equal(TokenLabel, (string)onToken["token"]!);
        Assert.Equal(["secp256k1", "ed25519"], onToken["key_types"]!.AsArray().Select(type => (string)type!));
    }

    [Fact]
    public void Wallet_import_on_token_is_refused_before_any_secret_is_read()
    {
        var result = Run("wallet", "import", "--home", _home, "--name", "imported", "--on-token", "--pin-file", _pin, "--json");

        Assert.Equal(2, result.ExitCode);
        var error = JsonNode.Parse(result.Stdout)!["error"]!;
        Assert.Equal("invalid_input", (string)error["code"]!);
        Assert.StartsWith("on-token:", (string)error["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void Token_options_without_on_token_are_refused_naming_the_option()
    {
        var result = Run("wallet", "create", "--home", _home, "--name", "plain", "--key-label", "k", "--pin-file", _pin, "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("--key-label:", (string)JsonNode.Parse(result.Stdout)!["error"]!["message"]!, StringComparison.Ordinal);
    }

    private Support.CliProcess.Result Run(params string[] args) => HardwareCliProcess.Run(_softHsm.Environment, args);
}
