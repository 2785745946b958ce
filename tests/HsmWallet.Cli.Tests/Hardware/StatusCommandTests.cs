using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Tests.Support;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Vault;
using HsmWallet.KeyProviders;
using HsmWallet.KeyProviders.Password;
using HsmWallet.KeyProviders.Pkcs11;
using HsmWallet.KeyProviders.Tests.Tpm.Fixtures;
using HsmWallet.KeyProviders.Tpm;
using HsmWallet.KeyProviders.Tpm.PinHardening;

namespace HsmWallet.Cli.Tests.Hardware;

public sealed class StatusCommandTests(SwtpmInstance swtpm) : IClassFixture<SwtpmInstance>, IDisposable
{
    private static readonly Dictionary<string, string> NoEnvironment = [];
    private readonly ScratchDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void A_home_without_a_vault_says_so()
    {
        var home = Path.Combine(_scratch.Path, "empty");

        var result = CliProcess.Run(null, "status", "--home", home, "--json");

        Assert.Equal(0, result.ExitCode);
        var status = JsonNode.Parse(result.Stdout)!;
        Assert.Equal(home, (string)status["home"]!);
        Assert.False((bool)status["vault"]!);
    }

    [Fact]
    public void A_vault_with_a_TPM_slot_and_a_password_slot_shows_both_the_TPM_health_and_then_the_lockout_after_five_wrong_passwords()
    {
        var home = Path.Combine(_scratch.Path, "home");
        var vault = new WalletVault(WalletHome.At(home), StandardKeyProviders.CreateRegistry());
        var tpm = new TpmKeyProvider(swtpm.Tcti, withPin: true, pinCost: new TpmPinKdfCost(64, 1, 1));
        vault.Create(new Secrets("2468"), tpm, new PasswordKeyProvider(new Argon2Parameters(8 * 1024, 1, 1)));

        var healthy = JsonNode.Parse(CliProcess.Run(null, "status", "--home", home, "--json").Stdout)!;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            Assert.Throws<UnlockFailedException>(() => vault.ListWallets(new UnlockOptions(new Secrets("2468", "a wrong password"), 2)));
        }

        var locked = JsonNode.Parse(CliProcess.Run(null, "status", "--home", home, "--json").Stdout)!;

        Assert.True((bool)healthy["vault"]!);
        var slots = healthy["slots"]!.AsArray();
        Assert.Equal(["tpm", "password"], slots.Select(slot => (string)slot!["kind"]!));
        Assert.Equal([true, false], slots.Select(slot => (bool)slot!["hardware_backed"]!));
        Assert.True((bool)slots[0]!["hardware"]!["healthy"]!, (string?)slots[0]!["hardware"]!["detail"]);
        Assert.Null(slots[1]!["hardware"]);
        Assert.False((bool)healthy["lockout"]!["locked"]!);
        Assert.True((bool)locked["lockout"]!["locked"]!);
        Assert.True(DateTimeOffset.Parse((string)locked["lockout"]!["locked_until"]!, System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow);
    }

    [Fact]
    public void A_PKCS11_slot_shows_its_token_and_key_another_process_sees_the_lockout_five_wrong_PINs_caused_and_a_removed_token_shows_as_not_present()
    {
        using var softHsm = new PrivateSoftHsm();
        var pin = softHsm.SecretFile("pin", "314159");
        var securityOfficerPin = softHsm.SecretFile("so-pin", "27182818");
        var provisioned = HardwareCliProcess.Run(softHsm.Environment, "token", "provision", "--module", PrivateSoftHsm.ModulePath, "--token-label", "status-token",
            "--key-label", "vault-aes", "--pin-file", pin, "--init-token", "--so-pin-file", securityOfficerPin, "--json");
        Assert.Equal(0, provisioned.ExitCode);
        // The vault is made in this process, so the module here must read the same configuration.
        Assert.Equal(0, SetEnvironment("SOFTHSM2_CONF", softHsm.ConfigPath, 1));
        var home = Path.Combine(_scratch.Path, "home");
        var vault = new WalletVault(WalletHome.At(home), StandardKeyProviders.CreateRegistry());
        vault.Create(new Secrets("314159"), new Pkcs11KeyProvider(new Pkcs11SlotConfiguration(PrivateSoftHsm.ModulePath, "status-token", null, "vault-aes", null, Pkcs11WrapMode.AesGcm)));

        var presentRun = HardwareCliProcess.Run(softHsm.Environment, "status", "--home", home, "--json");
        Assert.True(presentRun.ExitCode == 0, presentRun.Stdout + presentRun.Stderr);
        var present = JsonNode.Parse(presentRun.Stdout)!;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            Assert.Throws<UnlockFailedException>(() => vault.ListWallets(new UnlockOptions(new Secrets("000000"))));
        }

        var locked = JsonNode.Parse(HardwareCliProcess.Run(softHsm.Environment, "status", "--home", home, "--json").Stdout)!;
        var tokens = Path.Combine(softHsm.Root, "tokens");
        var tokenDirectory = Directory.GetDirectories(tokens).Single();
        Directory.Move(tokenDirectory, Path.Combine(softHsm.Root, "aside"));
        var absent = JsonNode.Parse(HardwareCliProcess.Run(softHsm.Environment, "status", "--home", home, "--json").Stdout)!;

        var token = present["slots"]![0]!["hardware"]!;
        Assert.Equal("pkcs11", (string)present["slots"]![0]!["kind"]!);
        Assert.True((bool)token["healthy"]!);
        Assert.True((bool)token["module_loaded"]!);
        Assert.True((bool)token["token_present"]!);
        // Private objects are only visible after login, so without a PIN the key is "not known missing".
        Assert.NotEqual(false, (bool?)token["key_found"]);
        Assert.False((bool)token["pin"]!["locked"]!);
        Assert.False((bool)present["lockout"]!["locked"]!);
        Assert.True((bool)locked["lockout"]!["locked"]!);
        // HsmWallet's lockout, not the token's: SoftHSM itself never locks the PIN.
        Assert.False((bool)locked["slots"]![0]!["hardware"]!["pin"]!["locked"]!);
        var missing = absent["slots"]![0]!["hardware"]!;
        Assert.False((bool)missing["healthy"]!);
        Assert.False((bool)missing["token_present"]!);
        Assert.Contains("status-token", (string)missing["problem"]!, StringComparison.Ordinal);
    }

    // SoftHSM reads SOFTHSM2_CONF with getenv, which Environment.SetEnvironmentVariable does not reach.
    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnvironment([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    /// <summary>Answers PIN and password requests with the same bytes.</summary>
    private sealed class Secrets(string pin, string password = "a long password") : ISecretSource
    {
        public bool IsInteractive => false;

        public SecureBuffer? TryRead(SecretRequest request) => request.Kind switch
        {
            SecretKind.Pin => SecureBuffer.CopyOf(Encoding.UTF8.GetBytes(pin)),
            SecretKind.Password => SecureBuffer.CopyOf(Encoding.UTF8.GetBytes(password)),
            _ => null,
        };
    }
}
