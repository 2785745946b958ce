using System.Text;
using System.Text.Json.Nodes;
using HsmWallet.Core.Secrets.Files;
using HsmWallet.Core.Tests.Unlocking;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Vault;

namespace HsmWallet.Core.Tests.Vault;

public sealed class VaultTests : IDisposable
{
    private static readonly WalletDescription Alice = new("alice", "ed25519", "testnet", "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh", "ED" + new string('A', 64));
    private static readonly WalletDescription Bob = new("bob", "secp256k1", "mainnet", "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe", "03" + new string('B', 64));

    private readonly TemporaryDirectory _directory = new();
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private readonly KeyProviderRegistry _registry = new();
    private readonly WalletVault _vault;

    public VaultTests()
    {
        _registry.Register("fake", () => new FakeKeyProvider());
        _registry.Register("keyfile", () => new FakeKeyProvider("keyfile"));
        _vault = new WalletVault(WalletHome.At(Path.Combine(_directory.Path, "home")), _registry, _clock);
    }

    public void Dispose() => _directory.Dispose();

    private static UnlockOptions With(string secret, int? slot = null) => new(new FixedSecretSource(secret), slot);

    private void CreateVault(string secret = "correct horse") => _vault.Create(new FixedSecretSource(secret), new FakeKeyProvider());

    [Fact]
    public void A_created_vault_holds_records_of_both_key_types_and_hands_out_each_secret()
    {
        CreateVault();
        _vault.AddWallet(With("correct horse"), Alice, Enumerable.Range(1, 16).Select(i => (byte)i).ToArray());
        _vault.AddWallet(With("correct horse"), Bob, Enumerable.Range(1, 32).Select(i => (byte)(i * 3)).ToArray());

        var aliceSecret = _vault.WithWalletSecret(With("correct horse"), "alice", (secret, wallet) => (secret.ToArray(), wallet.KeyType));
        var bobSecret = _vault.WithWalletSecret(With("correct horse"), Bob.Address, (secret, wallet) => (secret.ToArray(), wallet.KeyType));

        Assert.Equal(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray(), aliceSecret.Item1);
        Assert.Equal("ed25519", aliceSecret.KeyType);
        Assert.Equal(Enumerable.Range(1, 32).Select(i => (byte)(i * 3)).ToArray(), bobSecret.Item1);
        Assert.Equal("secp256k1", bobSecret.KeyType);
        var listed = _vault.ListWallets(With("correct horse"));
        Assert.Equal(["alice", "bob"], listed.Select(wallet => wallet.Name));
        Assert.Equal(Alice.Address, listed[0].Address);
        Assert.Equal("mainnet", listed[1].Network);
    }

    [Fact]
    public void The_file_holds_no_address_public_key_or_wallet_name_in_plaintext()
    {
        CreateVault();
        _vault.AddWallet(With("correct horse"), Alice, new byte[16]);

        var text = File.ReadAllText(_vault.Home.VaultPath);

        Assert.DoesNotContain(Alice.Address, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Alice.PublicKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain("alice", text, StringComparison.Ordinal);
        Assert.Equal(1, JsonNode.Parse(text)!["version"]!.GetValue<int>());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_vault.Home.VaultPath));
    }

    [Fact]
    public void Every_single_flipped_byte_is_an_integrity_error_and_the_file_stays_as_it_was()
    {
        CreateVault();
        _vault.AddWallet(With("correct horse"), Alice, new byte[16]);
        var original = File.ReadAllBytes(_vault.Home.VaultPath);

        for (var i = 0; i < original.Length; i++)
        {
            var tampered = (byte[])original.Clone();
            tampered[i] ^= 0x01;
            File.WriteAllBytes(_vault.Home.VaultPath, tampered);

            Assert.Throws<VaultIntegrityException>(() => _vault.ListWallets(With("correct horse")));
            Assert.Equal(tampered, File.ReadAllBytes(_vault.Home.VaultPath));
        }
    }

    [Fact]
    public void A_record_copied_from_another_vault_fails_the_keyed_check_even_with_a_fixed_checksum()
    {
        CreateVault();
        _vault.AddWallet(With("correct horse"), Alice, new byte[16]);
        var document = JsonNode.Parse(File.ReadAllText(_vault.Home.VaultPath))!.AsObject();
        document["records"]!.AsArray().RemoveAt(0);
        ProtectedFile.WriteAtomic(_vault.Home.VaultPath, Recomputed(document));

        Assert.Throws<VaultIntegrityException>(() => _vault.ListWallets(With("correct horse")));
    }

    [Fact]
    public void A_wrong_secret_is_a_clear_unlock_failure_and_the_vault_is_not_written()
    {
        CreateVault();
        var before = File.ReadAllBytes(_vault.Home.VaultPath);

        var error = Assert.Throws<UnlockFailedException>(() => _vault.AddWallet(With("wrong horse"), Alice, new byte[16]));

        Assert.Equal(UnlockFailureReason.WrongSecret, error.Reason);
        Assert.Equal("slot 1 (fake): the secret does not open this slot; 4 tries left before password and PIN unlocking locks", error.Message);
        Assert.Equal(before, File.ReadAllBytes(_vault.Home.VaultPath));
    }

    [Fact]
    public void Any_slot_opens_the_vault_and_slot_choice_is_honoured()
    {
        CreateVault("first secret");
        var added = _vault.AddSlot(With("first secret"), new FakeKeyProvider(), new FixedSecretSource("second secret"));

        Assert.Equal(2, added.Slot.Id);
        Assert.Equal(1, _vault.TestSlot(With("first secret")).Id);
        Assert.Equal(2, _vault.TestSlot(With("second secret", slot: 2)).Id);
        Assert.Throws<UnlockFailedException>(() => _vault.TestSlot(With("first secret", slot: 2)));
        Assert.Equal([1, 2], _vault.ListSlots().Select(slot => slot.Id));
    }

    [Fact]
    public void The_last_slot_cannot_be_removed_and_replacing_a_slot_keeps_the_vault_openable()
    {
        CreateVault("old secret");

        Assert.Throws<InvalidInputException>(() => _vault.RemoveSlot(With("old secret"), 1));
        var replaced = _vault.ReplaceSlot(With("old secret"), 1, new FakeKeyProvider(), new FixedSecretSource("new secret"));

        Assert.Equal([replaced.Slot.Id], _vault.ListSlots().Select(slot => slot.Id));
        Assert.Equal(replaced.Slot.Id, _vault.TestSlot(With("new secret")).Id);
        Assert.Throws<UnlockFailedException>(() => _vault.TestSlot(With("old secret")));
    }

    [Fact]
    public void A_vault_opened_only_by_key_files_refuses_mainnet_wallets()
    {
        _vault.Create(new FixedSecretSource("file-like secret"), new FakeKeyProvider("keyfile"));

        var error = Assert.Throws<InvalidInputException>(() => _vault.AddWallet(With("file-like secret"), Bob, new byte[32]));
        _vault.AddWallet(With("file-like secret"), Alice, new byte[16]);

        Assert.Equal("network", error.Field);
        Assert.Single(_vault.ListWallets(With("file-like secret")));
    }

    [Fact]
    public void Removing_the_last_strong_slot_of_a_vault_with_mainnet_wallets_is_refused()
    {
        CreateVault("strong secret");
        _vault.AddSlot(With("strong secret"), new FakeKeyProvider("keyfile"), new FixedSecretSource("weak secret"));
        _vault.AddWallet(With("strong secret"), Bob, new byte[32]);

        Assert.Throws<InvalidInputException>(() => _vault.RemoveSlot(With("strong secret"), 1));
    }

    [Fact]
    public void Wallet_names_and_addresses_are_unique_and_deleting_removes_the_record()
    {
        CreateVault();
        _vault.AddWallet(With("correct horse"), Alice, new byte[16]);

        Assert.Throws<InvalidInputException>(() => _vault.AddWallet(With("correct horse"), Alice with { Address = Bob.Address, Name = "ALICE" }, new byte[16]));
        Assert.Throws<InvalidInputException>(() => _vault.AddWallet(With("correct horse"), Alice with { Name = "alice2" }, new byte[16]));
        _vault.DeleteWallet(With("correct horse"), "alice");
        Assert.Empty(_vault.ListWallets(With("correct horse")));
        var missing = Assert.Throws<InvalidInputException>(() => _vault.WithWalletSecret(With("correct horse"), "alice", (secret, _) => secret.Length));
        Assert.Equal("wallet", missing.Field);
    }

    [Fact]
    public void Bad_wallet_descriptions_name_the_field()
    {
        CreateVault();
        Assert.Equal("key_type", Assert.Throws<InvalidInputException>(() => _vault.AddWallet(With("correct horse"), Alice with { KeyType = "rsa" }, new byte[16])).Field);
        Assert.Equal("network", Assert.Throws<InvalidInputException>(() => _vault.AddWallet(With("correct horse"), Alice with { Network = "moon" }, new byte[16])).Field);
        Assert.Equal("name", Assert.Throws<InvalidInputException>(() => _vault.AddWallet(With("correct horse"), Alice with { Name = "../x" }, new byte[16])).Field);
    }

    [Fact]
    public void Vault_held_settings_survive_a_rewrite_and_need_an_unlock()
    {
        CreateVault();
        _vault.Update(With("correct horse"), vault =>
        {
            vault.EnsureRandomSetting(VaultSettingNames.AuditHmacKey, 32);
            vault.SetSetting(VaultSettingNames.PolicySha256, Encoding.ASCII.GetBytes("abc123"));
            return 0;
        });
        var first = _vault.Read(With("correct horse"), vault => vault.WithSetting(VaultSettingNames.AuditHmacKey, value => value.ToArray()));
        _vault.AddWallet(With("correct horse"), Alice, new byte[16]);

        var again = _vault.Read(With("correct horse"), vault => vault.WithSetting(VaultSettingNames.AuditHmacKey, value => value.ToArray()));
        var policy = _vault.Read(With("correct horse"), vault => vault.WithSetting(VaultSettingNames.PolicySha256, value => Encoding.ASCII.GetString(value)));

        Assert.Equal(32, first.Length);
        Assert.Equal(first, again);
        Assert.Equal("abc123", policy);
        Assert.DoesNotContain(Convert.ToBase64String(first), File.ReadAllText(_vault.Home.VaultPath), StringComparison.Ordinal);
    }

    [Fact]
    public void The_unlocked_vault_is_unusable_after_the_operation_returns()
    {
        CreateVault();
        var escaped = _vault.Read(With("correct horse"), vault => vault);

        Assert.Throws<ObjectDisposedException>(() => escaped.Wallets);
        Assert.Throws<ObjectDisposedException>(() => escaped.WithWalletSecret("alice", (secret, _) => 0));
    }

    [Fact]
    public void A_read_only_operation_cannot_edit()
    {
        CreateVault();
        Assert.Throws<InvalidOperationException>(() => _vault.Read(With("correct horse"), vault => vault.AddWallet(Alice, new byte[16])));
    }

    [Fact]
    public void An_exception_inside_an_update_writes_nothing()
    {
        CreateVault();
        var before = File.ReadAllBytes(_vault.Home.VaultPath);

        Assert.Throws<InvalidOperationException>(() => _vault.Update<int>(With("correct horse"), vault =>
        {
            vault.AddWallet(Alice, new byte[16]);
            throw new InvalidOperationException("stop");
        }));

        Assert.Equal(before, File.ReadAllBytes(_vault.Home.VaultPath));
    }

    [Fact]
    public void A_vault_is_never_created_twice()
    {
        CreateVault();
        Assert.Throws<VaultAlreadyExistsException>(() => CreateVault());
    }

    [Fact]
    public void No_secret_for_any_slot_is_reported_as_such_and_not_counted()
    {
        CreateVault();
        var error = Assert.Throws<UnlockFailedException>(() => _vault.ListWallets(new UnlockOptions(new HsmWallet.Core.Secrets.Sources.SecretSourceChain())));

        Assert.Equal(UnlockFailureReason.NoSecret, error.Reason);
        Assert.Null(_vault.Lockout.LockedUntil());
    }

    [Fact]
    public void A_loose_vault_file_is_refused_before_anything_is_read()
    {
        CreateVault();
        File.SetUnixFileMode(_vault.Home.VaultPath, (UnixFileMode)Convert.ToInt32("644", 8));

        Assert.Throws<UnsafeFilePermissionsException>(() => _vault.ListWallets(With("correct horse")));
    }

    private static byte[] Recomputed(JsonObject document)
    {
        // Re-serialise canonically with a fresh checksum, as an attacker who knows the format would.
        document.Remove("checksum");
        var options = new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var body = Encoding.UTF8.GetBytes(document.ToJsonString(options) + "\n");
        document["checksum"] = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body));
        return Encoding.UTF8.GetBytes(document.ToJsonString(options) + "\n");
    }
}
