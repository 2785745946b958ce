using System.Text.Json.Nodes;
using HsmWallet.Cli.Tests.Support;

namespace HsmWallet.Cli.Tests;

public class VaultMaintenanceTests
{
    private const string Words = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

    [Fact]
    public void A_mnemonic_imported_into_the_vault_signs_like_offline_sign_with_the_same_words()
    {
        using var home = new VaultHome();
        home.RunOk(null, "init", "--unlocker", "keyfile");
        var derived = JsonNode.Parse(CliProcess.Run(Words, "offline", "derive", "--json").Stdout)!;
        var tx = home.SecretFile("tx.json", new JsonObject
        {
            ["TransactionType"] = "AccountSet",
            ["Account"] = (string)derived["address"]!,
            ["Fee"] = "12",
            ["Sequence"] = 1,
            ["Flags"] = 0,
        }.ToJsonString());

        var imported = home.RunOk(Words, "wallet", "import", "--name", "words", "--mnemonic");
        var signed = home.RunOk(null, "tx", "sign", "--wallet", (string)derived["address"]!, "--tx", tx);
        var offline = JsonNode.Parse(CliProcess.Run(Words, "offline", "sign", "--tx", tx, "--json").Stdout)!;

        Assert.Equal((string)derived["address"]!, (string)imported["address"]!);
        Assert.Equal("secp256k1", (string)imported["key_type"]!);
        Assert.Equal((string)offline["tx_blob"]!, (string)signed["tx_blob"]!);
        foreach (var file in Directory.EnumerateFiles(home.Home, "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain("abandon", File.ReadAllText(file), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Tx_sign_multisign_with_a_vault_wallet_gives_the_reference_signer_share()
    {
        using var home = new VaultHome();
        home.RunOk(null, "init", "--unlocker", "keyfile");
        home.RunOk(XrplFixtures.Secret, "wallet", "import", "--name", "member");

        var share = home.RunOk(null, "tx", "sign", "--wallet", "member", "--tx", XrplFixtures.PathOf("request-signAs.json"), "--multisign");

        Assert.Equal("rHLEki8gPUMnF72JnuALvnAMRhRemzhRke", (string)share["signer"]!["Account"]!);
        Assert.Equal((string)XrplFixtures.Load("response-signAs.json")["signedTransaction"]!, (string)share["tx_blob"]!);
    }

    [Fact]
    public void Importing_a_family_seed_with_the_mnemonic_flag_is_refused_with_exit_2()
    {
        using var home = new VaultHome();
        home.RunOk(null, "init", "--unlocker", "keyfile");

        var result = home.Run(XrplFixtures.Secret, "wallet", "import", "--name", "main", "--mnemonic");

        Assert.Equal(2, result.ExitCode);
        Assert.DoesNotContain(XrplFixtures.Secret, result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Slot_add_recovery_prints_a_recovery_key_once_and_slot_add_keyfile_makes_a_second_key_file()
    {
        using var home = new VaultHome();
        home.RunOk(null, "init", "--unlocker", "keyfile");
        var secondKey = Path.Combine(home.Scratch, "second.key");

        var recovery = home.RunOk(null, "slot", "add", "--unlocker", "recovery");
        var keyFile = home.RunOk(null, "slot", "add", "--unlocker", "keyfile", "--key-file", secondKey);
        File.Delete(Path.Combine(home.Home, "vault.key"));
        var opened = home.RunOk(null, "slot", "test");
        var chosen = home.RunOk(null, "slot", "test", "3", "--key-file", secondKey);

        Assert.Matches("^([0-9A-Z]{5}-){7}[0-9A-Z]{5}$", (string)recovery["recovery_key"]!);
        Assert.Null(keyFile["recovery_key"]);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secondKey));
        Assert.Equal(3, (int)opened["opened_by"]!);
        Assert.Equal(3, (int)chosen["opened_by"]!);
    }

    [Fact]
    public void Wallet_delete_needs_yes_in_a_script_and_then_removes_the_wallet()
    {
        using var home = new VaultHome();
        home.RunOk(null, "init", "--unlocker", "keyfile");
        home.RunOk(null, "wallet", "create", "--name", "doomed");

        var unconfirmed = home.Run(null, "wallet", "delete", "--name", "doomed");
        var deleted = home.RunOk(null, "wallet", "delete", "--name", "doomed", "--yes");

        Assert.Equal(2, unconfirmed.ExitCode);
        Assert.Contains("--yes", unconfirmed.Stderr, StringComparison.Ordinal);
        Assert.True((bool)deleted["deleted"]!);
        Assert.Empty(home.RunOk(null, "wallet", "list")["wallets"]!.AsArray());
    }

    [Fact]
    public void A_damaged_vault_fails_with_vault_integrity_and_stays_as_it_was()
    {
        using var home = new VaultHome();
        home.RunOk(null, "init", "--unlocker", "keyfile");
        var bytes = File.ReadAllBytes(home.VaultPath);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(home.VaultPath, bytes);

        var result = home.Run(null, "wallet", "create", "--name", "any");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("vault_integrity", (string)VaultHome.Error(result)["code"]!);
        Assert.Equal(bytes, File.ReadAllBytes(home.VaultPath));
    }

    [Fact]
    public void A_vault_file_others_can_read_is_refused_with_the_command_that_fixes_it()
    {
        using var home = new VaultHome();
        home.RunOk(null, "init", "--unlocker", "keyfile");
        File.SetUnixFileMode(home.VaultPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var result = home.Run(null, "wallet", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("unsafe_permissions", (string)VaultHome.Error(result)["code"]!);
        Assert.Contains($"chmod 600 {home.VaultPath}", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Init_never_overwrites_an_existing_vault()
    {
        using var home = new VaultHome();
        home.RunOk(null, "init", "--unlocker", "keyfile");
        var before = File.ReadAllBytes(home.VaultPath);

        var again = home.Run(null, "init", "--unlocker", "keyfile");

        Assert.Equal(1, again.ExitCode);
        Assert.Equal("vault_exists", (string)VaultHome.Error(again)["code"]!);
        Assert.Equal(before, File.ReadAllBytes(home.VaultPath));
    }

    [Fact]
    public void Init_with_a_password_in_a_script_needs_a_password_file_and_writes_nothing_without_one()
    {
        using var home = new VaultHome();

        var result = home.Run(null, ["init", "--unlocker", "password", .. VaultHome.CheapKdf]);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("--password-file:", (string)VaultHome.Error(result)["message"]!, StringComparison.Ordinal);
        Assert.False(File.Exists(home.VaultPath));
    }

    [Fact]
    public void The_home_comes_from_HSMWALLET_HOME_when_no_option_names_it()
    {
        using var home = new VaultHome();
        home.RunOk(null, "init", "--unlocker", "keyfile");
        home.RunOk(null, "wallet", "create", "--name", "env");

        var listed = CliProcess.RunWithEnvironment(new Dictionary<string, string?> { ["HSMWALLET_HOME"] = home.Home }, null, "wallet", "list", "--json");

        Assert.Equal(0, listed.ExitCode);
        Assert.Equal("env", (string)JsonNode.Parse(listed.Stdout)!["wallets"]![0]!["name"]!);
    }
}
