using System.Text.Json.Nodes;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Vault;
using HsmWallet.Hosting.Audit;

namespace HsmWallet.Hosting.Tests.Audit;

public sealed class AuditSessionTests : IDisposable
{
    private readonly TestVault test = new();

    public void Dispose() => test.Dispose();

    private static AuditEvent Event(string name, AuditResult result = AuditResult.Success) => new(
        AuditEventType.WalletCreate, "wallet_create", "corr-" + name, new AuditActor(AuditActorType.User, "test"), "wallet_create",
        new JsonObject { ["name"] = name }, result);

    [Fact]
    public void Appending_before_any_unlock_in_the_process_fails_closed_and_writes_nothing()
    {
        using var session = new AuditSession(test.Vault);

        Assert.Throws<AuditWriteException>(() => session.Append(Event("early")));
        Assert.False(session.IsOpen);
        Assert.False(Directory.Exists(test.Home.AuditDirectory));
    }

    [Fact]
    public void The_operations_own_unlock_opens_the_log_without_a_second_unlock()
    {
        using var first = new AuditSession(test.Vault);
        first.EnsureOpen(TestVault.Unlock()); // Creates the key in this vault created without one.
        var vault = test.Open();
        using var session = new AuditSession(vault);
        var before = test.Unlocks;

        vault.ListWallets(TestVault.Unlock());
        session.Append(Event("after-list"));

        Assert.Equal(before + 1, test.Unlocks);
        Assert.True(session.IsOpen);
        Assert.True(session.Verify().Ok);
    }

    [Fact]
    public void A_vault_without_the_key_gets_one_once_and_every_later_process_uses_the_same_key()
    {
        using (var first = new AuditSession(test.Open()))
        {
            first.EnsureOpen(TestVault.Unlock());
            first.Append(Event("one"));
        }

        using (var second = new AuditSession(test.Open()))
        {
            second.EnsureOpen(TestVault.Unlock());
            second.Append(Event("two"));
            Assert.Equal(new AuditVerification(true, 2, 2, null, null), second.Verify());
        }

        var keys = test.Open().Read(TestVault.Unlock(), vault => vault.WithSetting(VaultSettingNames.AuditHmacKey, value => value.Length));
        Assert.Equal(AuditSession.KeyLength, keys);
    }

    [Fact]
    public void An_operation_on_a_vault_older_than_the_audit_log_gets_the_key_stored_by_one_update_when_it_appends()
    {
        var vault = test.Open();
        using var session = new AuditSession(vault) { KeyCreationUnlock = TestVault.Unlock };
        vault.ListWallets(TestVault.Unlock());
        Assert.True(session.KeyMissing);
        var before = test.Unlocks;

        session.Append(Event("signed"));

        Assert.Equal(before + 1, test.Unlocks);
        Assert.True(test.Open().Read(TestVault.Unlock(), unlocked => unlocked.HasSetting(VaultSettingNames.AuditHmacKey)));
        Assert.Equal(new AuditVerification(true, 1, 1, null, null), session.Verify());
    }

    [Fact]
    public void Without_a_way_to_unlock_an_append_on_a_vault_without_the_key_fails_closed()
    {
        var vault = test.Open();
        using var session = new AuditSession(vault);
        vault.ListWallets(TestVault.Unlock());

        Assert.Throws<AuditWriteException>(() => session.Append(Event("signed")));
        Assert.False(test.Open().Read(TestVault.Unlock(), unlocked => unlocked.HasSetting(VaultSettingNames.AuditHmacKey)));
    }

    [Fact]
    public void A_started_entry_is_appended_at_the_unlock_before_the_change_runs()
    {
        using var setup = new AuditSession(test.Vault);
        setup.EnsureOpen(TestVault.Unlock());
        var vault = test.Open();
        using var session = new AuditSession(vault);
        session.AppendBeforeOperation(Event("attempt", AuditResult.Started));
        long entriesSeenByTheChange = -1;

        vault.Update(TestVault.Unlock(), unlocked =>
        {
            entriesSeenByTheChange = AuditReader.ReadLast(session.Folder, 10).Count;
            return unlocked.AddWallet(TestVault.Wallet, new byte[16]);
        });

        Assert.Equal(1, entriesSeenByTheChange);
        Assert.Equal(AuditResult.Started, Assert.Single(AuditReader.ReadLast(session.Folder, 10)).Operation.Result);
    }

    [Fact]
    public void An_audit_folder_that_cannot_be_written_stops_the_change_before_it_happens()
    {
        using (var setup = new AuditSession(test.Vault))
        {
            setup.EnsureOpen(TestVault.Unlock());
            setup.Append(Event("setup"));
        }

        test.MakeAuditFolderUnwritable();
        var vault = test.Open();
        using var session = new AuditSession(vault);
        session.AppendBeforeOperation(Event("attempt", AuditResult.Started));

        Assert.Throws<AuditWriteException>(() => vault.AddWallet(TestVault.Unlock(), TestVault.Wallet, new byte[16]));

        Assert.Empty(test.Open().ListWallets(TestVault.Unlock()));
    }

    [Fact]
    public void A_disposed_session_refuses_to_append()
    {
        var session = new AuditSession(test.Vault);
        session.EnsureOpen(TestVault.Unlock());
        session.Dispose();

        Assert.Throws<ObjectDisposedException>(() => session.Append(Event("late")));
    }

    [Fact]
    public void Verify_before_any_unlock_fails_closed()
    {
        using var session = new AuditSession(test.Vault);

        Assert.Throws<AuditWriteException>(() => session.Verify());
    }

    [Fact]
    public void The_anchor_is_chosen_from_the_slot_table_the_unlock_authenticated()
    {
        IReadOnlyList<SlotInfo>? seen = null;
        var anchor = new InMemoryAuditAnchor();
        using var session = new AuditSession(test.Vault, slots =>
        {
            seen = slots;
            return anchor;
        });

        session.EnsureOpen(TestVault.Unlock());
        session.Append(Event("one"));
        session.Append(Event("two"));

        Assert.Equal("keyfile", Assert.Single(seen!).Kind);
        Assert.Equal(2UL, anchor.Read());
        Assert.Same(anchor, session.Anchor);
        Assert.True(session.Verify().Ok);
    }

    [Fact]
    public void The_chain_continues_across_a_restart_and_a_date_change()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 29, 23, 59, 59, TimeSpan.Zero));
        var options = new AuditWriterOptions { TimeProvider = clock };
        using (var before = new AuditSession(test.Open(), options: options))
        {
            before.EnsureOpen(TestVault.Unlock());
            before.Append(Event("before-midnight"));
        }

        clock.Now = clock.Now.AddSeconds(2);
        using var after = new AuditSession(test.Open(), options: options);
        after.EnsureOpen(TestVault.Unlock());
        var entry = after.Append(Event("after-midnight"));

        Assert.Equal(2, entry.Sequence);
        Assert.StartsWith("2026-11-30", entry.Timestamp, StringComparison.Ordinal);
        Assert.Equal(new AuditVerification(true, 2, 2, null, null), after.Verify());
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
