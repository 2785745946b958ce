using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Tests.Support;
using HsmWallet.Core.Xrpl.Keys;

namespace HsmWallet.Cli.Tests;

public class VaultCommandTests
{
    [Fact]
    public void A_seed_imported_into_a_key_file_vault_signs_byte_identically_to_offline_sign_and_never_reaches_output_or_disk()
    {
        using var home = new VaultHome();
        var request = XrplFixtures.PathOf("request-sign.json");
        var outputs = new StringBuilder();
        void Record(CliProcess.Result result) => outputs.Append(result.Stdout).Append(result.Stderr);

        var init = home.RunOk(null, "init", "--unlocker", "keyfile");
        var imported = home.Run(XrplFixtures.Secret + "\n", "wallet", "import", "--name", "main");
        Record(imported);
        Assert.Equal(0, imported.ExitCode);
        var list = home.Run(null, "wallet", "list");
        Record(list);
        const string account = "r9cZA1mLK5R5Am25ArfXFmqgNwjZgnfk59"; // request-sign.json's Account; the seed is its regular key
        var signed = home.Run(null, "tx", "sign", "--wallet", "main", "--tx", request, "--signer-account", account);
        Record(signed);
        var offline = CliProcess.Run(XrplFixtures.Secret, "offline", "sign", "--tx", request, "--signer-account", account, "--json");

        Assert.Equal("keyfile", (string)init["slots"]![0]!["kind"]!);
        var wallets = JsonNode.Parse(list.Stdout)!["wallets"]!.AsArray();
        Assert.Equal("main", (string)Assert.Single(wallets)!["name"]!);
        Assert.True(signed.ExitCode == 0, signed.Stderr);
        Assert.Equal((string)JsonNode.Parse(offline.Stdout)!["tx_blob"]!, (string)JsonNode.Parse(signed.Stdout)!["tx_blob"]!);
        Assert.Equal((string)JsonNode.Parse(offline.Stdout)!["hash"]!, (string)JsonNode.Parse(signed.Stdout)!["hash"]!);

        using var seed = FamilySeed.Decode(XrplFixtures.Secret.AsSpan());
        var entropyHex = Convert.ToHexString(seed.Entropy);
        Assert.DoesNotContain(XrplFixtures.Secret, outputs.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(entropyHex, outputs.ToString(), StringComparison.OrdinalIgnoreCase);
        foreach (var file in Directory.EnumerateFiles(home.Home, "*", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(file);
            var text = Encoding.Latin1.GetString(bytes);
            Assert.DoesNotContain(XrplFixtures.Secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(entropyHex, text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToBase64String(seed.Entropy), text, StringComparison.Ordinal);
            Assert.Equal(-1, bytes.AsSpan().IndexOf(seed.Entropy));
        }
    }

    [Fact]
    public void A_password_vault_opens_with_its_password_file_and_a_wrong_one_fails_without_writing()
    {
        using var home = new VaultHome();
        var password = home.SecretFile("password", "correct horse battery\n");
        var wrong = home.SecretFile("wrong", "incorrect horse battery\n");
        home.RunOk(null, ["init", "--unlocker", "password", "--password-file", password, .. VaultHome.CheapKdf]);
        home.RunOk(XrplFixtures.Secret, "wallet", "import", "--name", "main", "--password-file", password);
        var before = File.ReadAllBytes(home.VaultPath);

        var refused = home.Run(null, "wallet", "list", "--password-file", wrong);
        var listed = home.RunOk(null, "wallet", "list", "--password-file", password);

        Assert.Equal(1, refused.ExitCode);
        Assert.Equal("unlock_failed", (string)VaultHome.Error(refused)["code"]!);
        Assert.Equal(before, File.ReadAllBytes(home.VaultPath));
        Assert.Single(listed["wallets"]!.AsArray());
        Assert.DoesNotContain("correct horse", refused.Stdout + refused.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_password_file_others_can_read_is_refused_with_exit_2_naming_the_option_and_the_fix()
    {
        using var home = new VaultHome();
        var open = home.SecretFile("password", "correct horse battery\n", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var result = home.Run(null, ["init", "--unlocker", "password", "--password-file", open, .. VaultHome.CheapKdf]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--password-file", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("chmod 600", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(home.VaultPath));
    }

    [Fact]
    public void The_sixth_wrong_password_is_locked_out_with_the_time_unlocking_is_possible_again()
    {
        using var home = new VaultHome();
        var password = home.SecretFile("password", "correct horse battery\n");
        var wrong = home.SecretFile("wrong", "incorrect horse battery\n");
        home.RunOk(null, ["init", "--unlocker", "password", "--password-file", password, .. VaultHome.CheapKdf]);

        var failures = Enumerable.Range(0, 5).Select(_ => home.Run(null, "wallet", "list", "--password-file", wrong)).ToList();
        var sixth = home.Run(null, "wallet", "list", "--password-file", wrong);
        var evenRight = home.Run(null, "wallet", "list", "--password-file", password);

        Assert.Equal("unlock_failed", (string)VaultHome.Error(failures[0])["code"]!);
        Assert.Equal(1, sixth.ExitCode);
        Assert.Equal("locked_out", (string)VaultHome.Error(sixth)["code"]!);
        var lockedUntil = DateTimeOffset.Parse((string)VaultHome.Error(sixth)["locked_until"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(lockedUntil > DateTimeOffset.UtcNow.AddMinutes(20));
        Assert.Equal("locked_out", (string)VaultHome.Error(evenRight)["code"]!);
    }

    [Fact]
    public void Slots_can_be_added_listed_tested_and_removed_but_never_the_last_one()
    {
        using var home = new VaultHome();
        var password = home.SecretFile("password", "correct horse battery\n");
        home.RunOk(null, "init", "--unlocker", "keyfile");

        var added = home.RunOk(null, ["slot", "add", "--unlocker", "password", "--new-password-file", password, .. VaultHome.CheapKdf]);
        var slots = home.RunOk(null, "slot", "list")["slots"]!.AsArray();
        var tested = home.RunOk(null, "slot", "test", "2", "--password-file", password);
        home.RunOk(null, "slot", "remove", "1", "--password-file", password);
        var last = home.Run(null, "slot", "remove", "2", "--password-file", password);

        Assert.Equal("password", (string)added["slots"]![0]!["kind"]!);
        Assert.Equal(["keyfile", "password"], slots.Select(slot => (string)slot!["kind"]!));
        Assert.Equal(2, (int)tested["opened_by"]!);
        Assert.True((bool)tested["slots"]![0]!["healthy"]!);
        Assert.Equal(2, last.ExitCode);
        Assert.Single(home.RunOk(null, "slot", "list")["slots"]!.AsArray());
    }

    [Fact]
    public void Wallet_create_prints_an_address_and_key_type_but_never_a_seed()
    {
        using var home = new VaultHome();
        home.RunOk(null, "init", "--unlocker", "keyfile");

        var created = home.Run(null, "wallet", "create", "--name", "fresh", "--key-type", "secp256k1");

        Assert.Equal(0, created.ExitCode);
        var wallet = JsonNode.Parse(created.Stdout)!.AsObject();
        Assert.StartsWith("r", (string)wallet["address"]!, StringComparison.Ordinal);
        Assert.Equal("secp256k1", (string)wallet["key_type"]!);
        Assert.Equal("testnet", (string)wallet["network"]!);
        Assert.DoesNotContain(wallet, pair => pair.Key.Contains("seed", StringComparison.OrdinalIgnoreCase) || pair.Key.Contains("secret", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotMatch(@"\bs[1-9A-HJ-NP-Za-km-z]{24,34}\b", created.Stdout + created.Stderr);
    }

    [Fact]
    public void A_mainnet_wallet_is_refused_in_a_vault_opened_only_by_a_key_file()
    {
        using var home = new VaultHome();
        home.RunOk(null, "init", "--unlocker", "keyfile");

        var refused = home.Run(null, "wallet", "create", "--name", "real", "--network", "mainnet");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("mainnet", (string)VaultHome.Error(refused)["message"]!, StringComparison.Ordinal);
        Assert.Empty(home.RunOk(null, "wallet", "list")["wallets"]!.AsArray());
    }

    [Fact]
    public void A_wallet_export_is_an_owner_only_vault_file_with_one_password_slot_and_no_plaintext_secret()
    {
        using var home = new VaultHome();
        var backupPassword = home.SecretFile("backup", "a different backup password\n");
        home.RunOk(null, "init", "--unlocker", "keyfile");
        home.RunOk(XrplFixtures.Secret, "wallet", "import", "--name", "main");
        var backup = Path.Combine(home.Scratch, "main.backup.json");

        var exported = home.RunOk(null, ["wallet", "export", "--name", "main", "--out", backup, "--backup-password-file", backupPassword, "--yes", .. VaultHome.CheapKdf]);

        Assert.Equal(backup, (string)exported["path"]!);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backup));
        var bytes = File.ReadAllBytes(backup);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), (string)exported["sha256"]!);
        using var seed = FamilySeed.Decode(XrplFixtures.Secret.AsSpan());
        var text = Encoding.Latin1.GetString(bytes);
        Assert.DoesNotContain(XrplFixtures.Secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(seed.Entropy), text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(-1, bytes.AsSpan().IndexOf(seed.Entropy));

        var restoredHome = Path.Combine(home.Scratch, "restored");
        Directory.CreateDirectory(restoredHome, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.Copy(backup, Path.Combine(restoredHome, "vault.json"));
        var slots = JsonNode.Parse(CliProcess.Run(null, "slot", "list", "--home", restoredHome, "--json").Stdout)!["slots"]!.AsArray();
        Assert.Equal("password", (string)Assert.Single(slots)!["kind"]!);
    }

    [Fact]
    public void A_recovery_key_is_printed_once_at_init_and_opens_the_vault_later()
    {
        using var home = new VaultHome();
        var init = home.RunOk(null, "init", "--unlocker", "keyfile", "--recovery-key");
        var recoveryKey = (string)init["recovery_key"]!;
        home.RunOk(XrplFixtures.Secret, "wallet", "import", "--name", "main");
        var keyFile = home.SecretFile("recovery", recoveryKey + "\n");

        var slots = home.Run(null, "slot", "list");
        var opened = home.RunOk(null, "slot", "test", "--slot", "2", "--recovery-key-file", keyFile);
        var listed = home.RunOk(null, "wallet", "list", "--slot", "2", "--recovery-key-file", keyFile);

        Assert.Matches("^([0-9A-HJKMNP-TV-Z]{5}-){7}[0-9A-HJKMNP-TV-Z]{5}$", recoveryKey);
        Assert.DoesNotContain(recoveryKey, slots.Stdout + slots.Stderr, StringComparison.Ordinal);
        Assert.Equal("recovery", (string)opened["kind"]!);
        Assert.Single(listed["wallets"]!.AsArray());
        foreach (var file in Directory.EnumerateFiles(home.Home, "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain(recoveryKey, File.ReadAllText(file), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_command_on_a_home_without_a_vault_says_to_run_init()
    {
        using var home = new VaultHome();

        var result = home.Run(null, "wallet", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("run hsmwallet init", result.Stderr, StringComparison.Ordinal);
    }
}
