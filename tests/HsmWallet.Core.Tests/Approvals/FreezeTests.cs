using System.Security.Cryptography;
using System.Text.Json.Nodes;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Signing;
using HsmWallet.Core.Tests.Signing;
using HsmWallet.Core.Tests.Unlocking;
using HsmWallet.Core.Tests.UseCases;
using HsmWallet.Core.UseCases;
using HsmWallet.Core.Vault;

namespace HsmWallet.Core.Tests.Approvals;

/// <summary>
/// The operator's freeze: every signature, export and delete refused with code "frozen" while either the marker file
/// or the vault's record says so, nothing reserved or signed; lifting clears both and needs an approver's passkey when
/// one is enrolled.
/// </summary>
public sealed class FreezeTests : IDisposable
{
    private readonly SigningHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    private FreezeUseCases Freezes(Func<UnlockOptions>? unlock = null) =>
        new(_harness.Vault, _harness.Audit, new PasskeyApproverStore(_harness.Vault, () => SigningHarness.Unlock), null, unlock ?? (() => SigningHarness.Unlock), _harness.Clock);

    private string MarkerPath => Path.Combine(_harness.Vault.Home.StateDirectory, WalletFreeze.MarkerFileName);

    private Task<SignedTransaction> Sign(WalletInfo wallet, string drops = "1000000") =>
        _harness.Transactions.SignAsync(new SigningRequest("alice", SigningHarness.Payment(wallet.Address, drops), Autofill: false), null, new GrantingApprover(), SigningHarness.Context);

    /// <summary>Another process on the same home: its own vault handle, signing service and use cases, no memory of this one's unlocks.</summary>
    private TransactionUseCases OtherProcess()
    {
        var vault = new WalletVault(_harness.Vault.Home, _harness.Vault.Providers, _harness.Clock);
        return new TransactionUseCases(new TransactionSigningService(vault, new WalletDirectory(vault), Core.Ledger.LedgerNetwork.Testnet, _harness.Audit, null, _harness.Clock), null, () => SigningHarness.Unlock);
    }

    private List<JsonObject> Entries(string type, string result) =>
        [.. _harness.AuditLines().Where(entry => entry["eventType"]?.GetValue<string>() == type && entry["operation"]!["result"]!.GetValue<string>() == result)];

    [Fact]
    public async Task A_frozen_wallet_signs_nothing_reserves_nothing_and_the_refusal_is_on_record()
    {
        var wallet = _harness.CreateWallet();
        Freezes().Freeze("incident 42", SigningHarness.Context);
        var signedBefore = Entries("transaction.sign", "success").Count;

        var refused = await Assert.ThrowsAsync<WalletFrozenException>(() => Sign(wallet));

        Assert.Contains("incident 42", refused.Message, StringComparison.Ordinal);
        Assert.Contains("hsmwallet unfreeze", refused.Message, StringComparison.Ordinal);
        Assert.Equal(signedBefore, Entries("transaction.sign", "success").Count);
        Assert.Equal("frozen", Entries("transaction.sign", "denied")[^1]["operation"]!["errorCode"]!.GetValue<string>());

        // Nothing was reserved: once lifted, ANOTHER transaction for the same Sequence signs.
        await Freezes().UnfreezeAsync(_ => new GrantingApprover(), SigningHarness.Context);
        var signed = await Sign(wallet, "2000000");
        Assert.NotEmpty(signed.Result.TxBlob);
    }

    [Fact]
    public async Task A_frozen_wallet_asks_no_one_to_approve_and_exports_or_deletes_nothing()
    {
        var wallet = _harness.CreateWallet();
        Freezes().Freeze(null, SigningHarness.Context);
        var person = new GrantingApprover();

        await Assert.ThrowsAsync<WalletFrozenException>(() => Sign(wallet, "20000000000"));
        await Assert.ThrowsAsync<WalletFrozenException>(() =>
            _harness.WalletUseCases.ExportAsync(new ExportRequest("alice", new BackupDestination.InBackupsFolder("x.json"), BackupProtection.ThisVaultsSlots), person, SigningHarness.Context));
        await Assert.ThrowsAsync<WalletFrozenException>(() => _harness.WalletUseCases.DeleteAsync("alice", nameOnly: false, null, person, SigningHarness.Context));

        Assert.Empty(person.Asked);
        Assert.False(File.Exists(Path.Combine(_harness.Vault.Home.Root, "backups", "x.json")));
        Assert.Single(_harness.Vault.ListWallets(SigningHarness.Unlock));
        Assert.Equal("frozen", Entries("wallet.export", "denied")[^1]["operation"]!["errorCode"]!.GetValue<string>());
        Assert.Equal("frozen", Entries("wallet.delete", "denied")[^1]["operation"]!["errorCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task Deleting_the_marker_file_does_not_lift_a_freeze_the_vault_records()
    {
        var wallet = _harness.CreateWallet();
        var outcome = Freezes().Freeze("vault keeps it", SigningHarness.Context);
        Assert.True(outcome.VaultRecorded);

        File.Delete(MarkerPath);
        var other = OtherProcess();
        var refused = await Assert.ThrowsAsync<WalletFrozenException>(() =>
            other.SignAsync(new SigningRequest("alice", SigningHarness.Payment(wallet.Address, "1000000"), Autofill: false), null, new GrantingApprover(), SigningHarness.Context));
        await Assert.ThrowsAsync<WalletFrozenException>(() =>
            _harness.WalletUseCases.ExportAsync(new ExportRequest("alice", new BackupDestination.InBackupsFolder("y.json"), BackupProtection.ThisVaultsSlots), new GrantingApprover(), SigningHarness.Context));

        Assert.Contains("vault keeps it", refused.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_harness.Vault.Home.Root, "backups", "y.json")));
        // The refused signature reserved nothing either: another transaction for the same Sequence signs once lifted.
        await Freezes().UnfreezeAsync(_ => new GrantingApprover(), SigningHarness.Context);
        Assert.NotEmpty((await Sign(wallet, "3000000")).Result.TxBlob);
    }

    [Fact]
    public async Task An_older_vault_file_without_the_record_does_not_lift_a_freeze_the_marker_holds()
    {
        var wallet = _harness.CreateWallet();
        var older = File.ReadAllBytes(_harness.Vault.Home.VaultPath);
        Freezes().Freeze("marker keeps it", SigningHarness.Context);

        File.WriteAllBytes(_harness.Vault.Home.VaultPath, older);

        Assert.False(_harness.Vault.Read(SigningHarness.Unlock, vault => vault.HasSetting(VaultSettingNames.Freeze)));
        await Assert.ThrowsAsync<WalletFrozenException>(() => Sign(wallet));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"version":1,"id":"short","since":"2026-01-01T00:00:00Z","by":"cli","reason":null}""")]
    [InlineData("")]
    public async Task A_malformed_marker_counts_as_frozen(string content)
    {
        var wallet = _harness.CreateWallet();
        File.WriteAllText(_harness.Vault.Home.StateFile(WalletFreeze.MarkerFileName), content);
        File.SetUnixFileMode(MarkerPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var refused = await Assert.ThrowsAsync<WalletFrozenException>(() => Sign(wallet));

        Assert.Contains("malformed", refused.Message, StringComparison.Ordinal);
        Assert.True(Freezes().Current().IsFrozen);
    }

    [Fact]
    public async Task A_marker_open_to_others_or_a_link_counts_as_frozen_instead_of_being_trusted_or_ignored()
    {
        var wallet = _harness.CreateWallet();
        Freezes(() => new UnlockOptions(new FixedSecretSource("wrong"))).Freeze(null, SigningHarness.Context);
        File.SetUnixFileMode(MarkerPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        await Assert.ThrowsAsync<WalletFrozenException>(() => Sign(wallet));

        File.Delete(MarkerPath);
        File.CreateSymbolicLink(MarkerPath, "/nonexistent/freeze.json");
        var refused = await Assert.ThrowsAsync<WalletFrozenException>(() => Sign(wallet));
        Assert.Contains("link", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Freezing_works_when_the_vault_cannot_be_unlocked_and_says_the_vault_did_not_record_it()
    {
        var wallet = _harness.CreateWallet();

        var outcome = Freezes(() => new UnlockOptions(new FixedSecretSource("wrong"))).Freeze("no unlock", SigningHarness.Context);

        Assert.False(outcome.VaultRecorded);
        Assert.Equal("unlock_failed", outcome.VaultProblem);
        Assert.True(File.Exists(MarkerPath));
        Assert.Equal(ProtectedFileMode, File.GetUnixFileMode(MarkerPath));
        await Assert.ThrowsAsync<WalletFrozenException>(() => Sign(wallet));
    }

    [Fact]
    public async Task Unfreezing_lifts_both_places_and_both_changes_are_audited()
    {
        var wallet = _harness.CreateWallet();
        var freezes = Freezes();
        freezes.Freeze("drill", SigningHarness.Context);
        var person = new GrantingApprover();

        var outcome = await freezes.UnfreezeAsync(_ => person, SigningHarness.Context);

        Assert.True(outcome.Lifted);
        Assert.Equal("unfreeze", Assert.Single(person.Asked).Operation);
        Assert.False(File.Exists(MarkerPath));
        Assert.False(_harness.Vault.Read(SigningHarness.Unlock, vault => vault.HasSetting(VaultSettingNames.Freeze)));
        Assert.False(freezes.Current().IsFrozen);
        Assert.NotEmpty((await Sign(wallet)).Result.TxBlob);
        var changes = Entries("config.change", "success").Select(entry => entry["operation"]!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["freeze", "unfreeze"], changes);
    }

    [Fact]
    public async Task With_a_passkey_approver_enrolled_an_operator_yes_does_not_lift_the_freeze()
    {
        _harness.CreateWallet();
        new PasskeyApproverStore(_harness.Vault, () => SigningHarness.Unlock)
            .Add(new EnrolledApprover("alice", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), RandomNumberGenerator.GetBytes(77), 0));
        var freezes = Freezes();
        freezes.Freeze(null, SigningHarness.Context);
        bool? askedForPasskey = null;

        var refused = await Assert.ThrowsAsync<ApprovalException>(() => freezes.UnfreezeAsync(
            passkey =>
            {
                askedForPasskey = passkey;
                return new GrantingApprover();
            },
            SigningHarness.Context));

        Assert.True(askedForPasskey);
        Assert.Equal("approval_declined", refused.Code);
        Assert.True(File.Exists(MarkerPath));
        Assert.True(freezes.Current().IsFrozen);
        Assert.Equal("approval_declined", Entries("config.change", "denied")[^1]["operation"]!["errorCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_approval_given_for_an_earlier_freeze_cannot_lift_a_new_one()
    {
        var freezes = Freezes();
        freezes.Freeze("first", SigningHarness.Context);
        var first = _harness.Vault.Read(SigningHarness.Unlock, _ => freezes.Current()).Binding;
        await freezes.UnfreezeAsync(_ => new GrantingApprover(), SigningHarness.Context);
        freezes.Freeze("second", SigningHarness.Context);

        await Assert.ThrowsAsync<ApprovalException>(() => freezes.UnfreezeAsync(_ => new ReplayingApprover(first), SigningHarness.Context));

        Assert.True(freezes.Current().IsFrozen);
    }

    [Fact]
    public void A_reason_with_control_or_invisible_characters_is_refused_naming_the_field()
    {
        var refused = Assert.Throws<InvalidInputException>(() => Freezes().Freeze("stop\u202Eevil", SigningHarness.Context));

        Assert.Equal("reason", refused.Field);
        Assert.False(File.Exists(MarkerPath));
    }

    [Fact]
    public async Task A_policy_check_still_answers_while_frozen()
    {
        var wallet = _harness.CreateWallet();
        Freezes().Freeze(null, SigningHarness.Context);

        var decision = await _harness.Transactions.CheckAsync("alice", SigningHarness.Payment(wallet.Address, "1000000"), SigningHarness.Context);

        Assert.Equal(Core.Policy.PolicyDecisionKind.Allow, decision.Kind);
    }

    private const UnixFileMode ProtectedFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
}
