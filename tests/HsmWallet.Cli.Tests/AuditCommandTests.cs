using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Cli.Tests.Support;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Vault;
using HsmWallet.Core.Xrpl.Keys;
using HsmWallet.KeyProviders;
using HsmWallet.KeyProviders.KeyFile;

namespace HsmWallet.Cli.Tests;

public class AuditCommandTests
{
    private static JsonArray Entries(VaultHome home, params string[] unlock) =>
        home.RunOk(null, ["audit", "show", "--last", "1000", .. unlock])["entries"]!.AsArray();

    private static List<string> Summary(JsonArray entries) =>
        [.. entries.Select(entry => $"{entry!["event_type"]} {entry["operation"]!["result"]}{(entry["operation"]!["error_code"] is { } code ? " " + code : string.Empty)}")];

    [Fact]
    public void Every_vault_verb_records_a_started_entry_and_its_result_and_the_chain_verifies()
    {
        using var home = new VaultHome();
        var password = home.SecretFile("password", "correct horse battery\n");
        var backupPassword = home.SecretFile("backup", "backup horse battery\n");
        home.RunOk(null, ["init", "--unlocker", "password", "--password-file", password, .. VaultHome.CheapKdf]);
        home.RunOk(null, "wallet", "create", "--name", "fresh", "--password-file", password);
        home.RunOk(XrplFixtures.Secret, "wallet", "import", "--name", "main", "--password-file", password);
        var duplicate = home.Run(null, "wallet", "create", "--name", "main", "--password-file", password);
        home.RunOk(null, "slot", "add", "--unlocker", "keyfile", "--key-file", Path.Combine(home.Scratch, "second.key"), "--password-file", password);
        home.RunOk(null, "slot", "test", "1", "--password-file", password);
        home.RunOk(null, "slot", "remove", "2", "--password-file", password);
        home.RunOk(null, ["wallet", "export", "--name", "main", "--out", Path.Combine(home.Scratch, "main.backup"), "--backup-password-file", backupPassword, "--yes", "--password-file", password, .. VaultHome.CheapKdf]);
        home.RunOk(null, "wallet", "delete", "--name", "fresh", "--yes", "--password-file", password);

        var entries = Entries(home, "--password-file", password);
        var verified = home.RunOk(null, "audit", "verify", "--password-file", password);

        Assert.Equal(2, duplicate.ExitCode);
        Assert.Equal(
            [
                "vault.init started", "vault.init success",
                "wallet.create started", "wallet.create success",
                "wallet.import started", "wallet.import success",
                "wallet.create started", "wallet.create failure invalid_input",
                "slot.add started", "slot.add success",
                "slot.test started", "slot.test success",
                "slot.remove started", "slot.remove success",
                "wallet.export started", "wallet.export success",
                "wallet.delete started", "wallet.delete success",
            ],
            Summary(entries));
        Assert.Equal("hsmwallet wallet import", (string)entries[5]!["tool_name"]!);
        Assert.Equal((string)entries[4]!["correlation_id"]!, (string)entries[5]!["correlation_id"]!);
        Assert.Equal("main", (string)entries[5]!["operation"]!["parameters"]!["name"]!);
        // The success entry is the wallet use case's own, the same one an MCP wallet_create or import writes: the wallet's
        // public facts as parameters (the CLI no longer appends a second, command-shaped success entry).
        Assert.StartsWith("r", (string)entries[5]!["operation"]!["parameters"]!["address"]!, StringComparison.Ordinal);
        Assert.True((bool)verified["ok"]!);
        Assert.Equal(18, (long)verified["entries"]!);
        Assert.Equal(18, (long)verified["head_sequence"]!);
    }

    [Fact]
    public void Policy_changes_and_approval_decisions_are_recorded_before_and_after_they_happen()
    {
        using var home = new VaultHome();
        home.RunOk(null, "init", "--unlocker", "keyfile");
        var policy = Path.Combine(home.Scratch, "policy.json");
        File.WriteAllText(policy, PolicyDocument.Default.CanonicalJson);
        var store = new ApprovalStore(WalletHome.At(home.Home));
        var summary = new ApprovalSummary("Sign Payment on testnet with wallet main", ["Amount: 20 XRP (20000000 drops)"], [], []);
        var first = store.Create("binding-1", summary);
        var second = store.Create("binding-2", summary);

        var set = home.RunOk(null, "policy", "set", policy);
        home.RunOk(null, "approve", first.Id, "--yes");
        home.RunOk(null, "approve", "deny", second.Id);
        var unknown = home.Run(null, "approve", "apv_0000000000000000", "--yes");

        var entries = Entries(home);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Equal(
            [
                "vault.init started", "vault.init success",
                "policy.change started", "policy.change success",
                "approval.grant started", "approval.grant success",
                "approval.deny started", "approval.deny success",
                "approval.grant started", "approval.grant failure invalid_input",
            ],
            Summary(entries));
        Assert.Equal((string)set["sha256"]!, (string)entries[3]!["operation"]!["parameters"]!["outcome"]!["sha256"]!);
        Assert.Equal(first.Id, (string)entries[5]!["operation"]!["parameters"]!["outcome"]!["id"]!);
        Assert.Equal("denied", (string)entries[7]!["operation"]!["parameters"]!["outcome"]!["state"]!);
    }

    [Fact]
    public void Audit_show_prints_one_line_per_entry_without_json()
    {
        using var home = new VaultHome();
        home.RunOk(null, "init", "--unlocker", "keyfile");
        home.RunOk(null, "wallet", "create", "--name", "main");

        var shown = CliProcess.Run(null, "audit", "show", "--last", "2", "--home", home.Home);

        Assert.Equal(0, shown.ExitCode);
        var lines = shown.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("#3 ", lines[0], StringComparison.Ordinal);
        Assert.Contains("wallet.create started \"hsmwallet wallet create\"", lines[0], StringComparison.Ordinal);
        Assert.Contains("wallet.create success", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void An_edited_entry_makes_audit_verify_exit_1_naming_the_problem_and_the_sequence()
    {
        using var home = new VaultHome();
        home.RunOk(null, "init", "--unlocker", "keyfile");
        home.RunOk(null, "wallet", "create", "--name", "main");
        var log = Directory.GetFiles(Path.Combine(home.Home, "audit"), "audit-*.jsonl").Single();
        File.WriteAllText(log, File.ReadAllText(log).Replace("\"name\":\"main\"", "\"name\":\"evil\"", StringComparison.Ordinal));

        var result = home.Run(null, "audit", "verify");

        Assert.Equal(1, result.ExitCode);
        var json = JsonNode.Parse(result.Stdout)!;
        Assert.False((bool)json["ok"]!);
        Assert.Equal("edited", (string)json["problem"]!);
        Assert.Equal(3, (long)json["first_bad_sequence"]!);
        Assert.Contains("edited at sequence 3", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void An_audit_folder_that_cannot_be_written_makes_a_vault_change_fail_before_it_happens_with_nothing_on_stdout()
    {
        using var home = new VaultHome();
        home.RunOk(null, "init", "--unlocker", "keyfile");
        var audit = Path.Combine(home.Home, "audit");
        Directory.Delete(audit, recursive: true);
        File.WriteAllText(audit, string.Empty); // Not a folder: nothing can be appended, even by root.

        var plain = CliProcess.Run(null, "wallet", "create", "--name", "main", "--home", home.Home);
        var json = home.Run(null, "wallet", "create", "--name", "main");
        var list = home.RunOk(null, "wallet", "list");

        Assert.Equal(1, plain.ExitCode);
        Assert.Equal(string.Empty, plain.Stdout);
        Assert.Contains("audit", plain.Stderr, StringComparison.Ordinal);
        Assert.Equal("internal", (string)VaultHome.Error(json)["code"]!);
        Assert.Empty(list["wallets"]!.AsArray());
    }

    [Fact]
    public void An_audit_folder_that_cannot_be_written_makes_tx_sign_fail_with_no_signature_printed()
    {
        using var home = new VaultHome();
        home.RunOk(null, "init", "--unlocker", "keyfile");
        home.RunOk(XrplFixtures.Secret + "\n", "wallet", "import", "--name", "main");
        var request = XrplFixtures.PathOf("request-sign.json");
        const string account = "r9cZA1mLK5R5Am25ArfXFmqgNwjZgnfk59"; // request-sign.json's Account; the seed is its regular key
        var signable = CliProcess.Run(null, "tx", "sign", "--wallet", "main", "--tx", request, "--signer-account", account, "--approve", "--home", home.Home);
        Assert.True(signable.ExitCode == 0, signable.Stderr);
        var audit = Path.Combine(home.Home, "audit");
        Directory.Delete(audit, recursive: true);
        File.WriteAllText(audit, string.Empty); // Not a folder: nothing can be appended, even by root.

        var plain = CliProcess.Run(null, "tx", "sign", "--wallet", "main", "--tx", request, "--signer-account", account, "--approve", "--home", home.Home);
        var json = home.Run(null, "tx", "sign", "--wallet", "main", "--tx", request, "--signer-account", account, "--approve");

        Assert.Equal(1, plain.ExitCode);
        Assert.Equal(string.Empty, plain.Stdout);
        Assert.Contains("audit", plain.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain((string)JsonNode.Parse(signable.Stdout)!["tx_blob"]!, plain.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, json.ExitCode);
        Assert.Equal("internal", (string)VaultHome.Error(json)["code"]!);
        Assert.DoesNotContain("tx_blob", json.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_vault_made_before_the_audit_log_gets_its_key_once_and_keeps_it()
    {
        using var home = new VaultHome();
        var vaultHome = WalletHome.At(home.Home);
        new WalletVault(vaultHome, StandardKeyProviders.CreateRegistry()).Create(new SecretSourceChain(), new KeyFileKeyProvider(vaultHome.DefaultKeyFilePath));

        var first = home.RunOk(null, "audit", "verify");
        home.RunOk(null, "wallet", "create", "--name", "main");
        var second = home.RunOk(null, "audit", "verify");

        Assert.True((bool)first["ok"]!);
        Assert.Equal(0, (long)first["entries"]!);
        Assert.True((bool)second["ok"]!);
        Assert.Equal(2, (long)second["entries"]!);
    }

    [Fact]
    public void Signing_with_a_vault_made_before_the_audit_log_stores_the_key_and_records_the_signature()
    {
        using var home = new VaultHome();
        var vaultHome = WalletHome.At(home.Home);
        var vault = new WalletVault(vaultHome, StandardKeyProviders.CreateRegistry());
        vault.Create(new SecretSourceChain(), new KeyFileKeyProvider(vaultHome.DefaultKeyFilePath));
        using (var decoded = FamilySeed.Decode(XrplFixtures.Secret.AsSpan()))
        using (var seed = DecodedSeed.FromEntropy(decoded.Entropy, decoded.KeyType))
        using (var key = XrplSigningKey.FromSeed(seed))
        {
            var keyType = key.KeyType == KeyType.Ed25519 ? "ed25519" : "secp256k1";
            var description = new WalletDescription("main", keyType, "testnet", key.AccountId.ToClassicAddress(), Convert.ToHexString(key.PublicKey));
            vault.AddWallet(new UnlockOptions(SecretSourceChain.ForHost(new SecretOptions { AllowPrompt = false, GetEnvironment = _ => null })), description, seed.Entropy);
        }

        var signed = home.Run(null, "tx", "sign", "--wallet", "main", "--tx", XrplFixtures.PathOf("request-sign.json"), "--signer-account", "r9cZA1mLK5R5Am25ArfXFmqgNwjZgnfk59", "--approve");

        Assert.True(signed.ExitCode == 0, signed.Stderr);
        Assert.Contains("transaction.sign success", Summary(Entries(home)));
        Assert.True((bool)home.RunOk(null, "audit", "verify")["ok"]!);
    }

    [Fact]
    public void No_audit_or_log_file_holds_a_seed_key_or_password_after_a_full_run()
    {
        using var home = new VaultHome();
        const string passwordText = "correct horse battery staple 7731";
        const string newPasswordText = "second slot password 9920";
        var password = home.SecretFile("password", passwordText + "\n");
        var newPassword = home.SecretFile("new-password", newPasswordText + "\n");
        var request = XrplFixtures.PathOf("request-sign.json");
        const string account = "r9cZA1mLK5R5Am25ArfXFmqgNwjZgnfk59";
        var outputs = new StringBuilder();
        void Run(string? stdin, params string[] args)
        {
            var result = home.Run(stdin, [.. args, "--password-file", password]);
            outputs.Append(result.Stdout).Append(result.Stderr);
            Assert.True(result.ExitCode == 0, $"{string.Join(' ', args)}: {result.Stderr}");
        }

        Run(null, ["init", "--unlocker", "password", .. VaultHome.CheapKdf]);
        Run(XrplFixtures.Secret + "\n", "wallet", "import", "--name", "main");
        Run(null, "tx", "sign", "--wallet", "main", "--tx", request, "--signer-account", account);
        Run(null, ["slot", "add", "--unlocker", "password", "--new-password-file", newPassword, .. VaultHome.CheapKdf]);
        Run(null, "audit", "verify");

        Assert.Contains("transaction.sign success", Summary(Entries(home, "--password-file", password)));
        using var seed = FamilySeed.Decode(XrplFixtures.Secret.AsSpan());
        var secrets = new[] { XrplFixtures.Secret, Convert.ToHexString(seed.Entropy), Convert.ToBase64String(seed.Entropy), passwordText, newPasswordText };
        var files = Directory.EnumerateFiles(home.Home, "*", SearchOption.AllDirectories)
            .Where(file => file.Contains("/audit/", StringComparison.Ordinal) || file.Contains("/logs/", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var text = Encoding.Latin1.GetString(File.ReadAllBytes(file));
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
            }
        }

        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, outputs.ToString(), StringComparison.OrdinalIgnoreCase);
        }
    }
}
