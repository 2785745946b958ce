using System.Text.Json.Nodes;

namespace HsmWallet.Cli.Tests.Hardware;

public sealed class TokenCommandTests : IDisposable
{
    private readonly PrivateSoftHsm _softHsm = new();

    public void Dispose() => _softHsm.Dispose();

    [Fact]
    public void Provision_initialises_a_token_and_generates_a_key_that_list_then_shows()
    {
        var pin = _softHsm.SecretFile("pin", "314159\n");
        var securityOfficerPin = _softHsm.SecretFile("so-pin", "27182818");

        var provisioned = Run("token", "provision", "--module", PrivateSoftHsm.ModulePath, "--token-label", "cli-token", "--key-label", "vault-aes",
            "--pin-file", pin, "--init-token", "--so-pin-file", securityOfficerPin, "--json");
        var listed = Run("token", "list", "--module", PrivateSoftHsm.ModulePath, "--json");

        Assert.Equal(0, provisioned.ExitCode);
        var result = JsonNode.Parse(provisioned.Stdout)!;
        Assert.True((bool)result["provisioned"]!);
        Assert.Equal("aes-gcm", (string)result["mode"]!);
        Assert.Equal("vault-aes", (string)result["slot"]!["key_label"]!);
        Assert.DoesNotContain("314159", provisioned.Stdout + provisioned.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, listed.ExitCode);
        var token = Assert.Single(JsonNode.Parse(listed.Stdout)!["tokens"]!.AsArray(), entry => (string)entry!["label"]! == "cli-token")!;
        Assert.Equal((string)result["token_serial"]!, (string)token["serial"]!);
        Assert.Equal("SoftHSM project", (string)token["manufacturer"]!);
        Assert.True((bool)token["user_pin_initialized"]!);
        Assert.False((bool)token["pin"]!["locked"]!);
    }

    [Fact]
    public void Provision_of_an_ECIES_key_prints_its_public_key()
    {
        var pin = _softHsm.SecretFile("pin", "314159");
        var securityOfficerPin = _softHsm.SecretFile("so-pin", "27182818");

        var result = Run("token", "provision", "--module", PrivateSoftHsm.ModulePath, "--token-label", "cli-ec", "--key-label", "vault-ec", "--mode", "ecies",
            "--pin-file", pin, "--init-token", "--so-pin-file", securityOfficerPin, "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", (string)JsonNode.Parse(result.Stdout)!["public_key_pem"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void A_PIN_file_others_can_read_is_refused_naming_the_option_not_the_PIN()
    {
        var pin = _softHsm.SecretFile("pin", "314159", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var result = Run("token", "provision", "--module", PrivateSoftHsm.ModulePath, "--token-label", "t", "--key-label", "k", "--pin-file", pin, "--json");

        Assert.Equal(2, result.ExitCode);
        var error = JsonNode.Parse(result.Stdout)!["error"]!;
        Assert.Equal("invalid_input", (string)error["code"]!);
        Assert.StartsWith("pin-file:", (string)error["message"]!, StringComparison.Ordinal);
        Assert.DoesNotContain("314159", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Init_token_without_a_security_officer_PIN_file_is_bad_input()
    {
        var pin = _softHsm.SecretFile("pin", "314159");

        var result = Run("token", "provision", "--module", PrivateSoftHsm.ModulePath, "--token-label", "t", "--key-label", "k", "--pin-file", pin, "--init-token", "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("so-pin-file:", (string)JsonNode.Parse(result.Stdout)!["error"]!["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void Provisioning_on_a_token_that_does_not_exist_fails_as_token_not_present()
    {
        var pin = _softHsm.SecretFile("pin", "314159");

        var result = Run("token", "provision", "--module", PrivateSoftHsm.ModulePath, "--token-label", "absent", "--key-label", "k", "--pin-file", pin, "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("token_tokennotpresent", (string)JsonNode.Parse(result.Stdout)!["error"]!["code"]!);
    }

    [Fact]
    public void A_PIV_token_gets_enrolment_instructions_instead_of_a_generated_key()
    {
        var result = Run("token", "provision", "--module", "/usr/lib/x86_64-linux-gnu/libykcs11.so", "--token-label", "YubiKey PIV", "--key-label", "k",
            "--mode", "ecies", "--pin-file", "/nonexistent", "--json");

        Assert.Equal(0, result.ExitCode);
        var output = JsonNode.Parse(result.Stdout)!;
        Assert.False((bool)output["provisioned"]!);
        Assert.Contains("yubico-piv-tool", (string)output["instructions"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void Listing_a_module_that_does_not_exist_fails_as_module_not_found()
    {
        var result = Run("token", "list", "--module", "/usr/lib/no-such-pkcs11.so", "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("token_modulenotfound", (string)JsonNode.Parse(result.Stdout)!["error"]!["code"]!);
    }

    private Support.CliProcess.Result Run(params string[] args) => HardwareCliProcess.Run(_softHsm.Environment, args);
}
