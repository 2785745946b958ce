using System.Security.Cryptography;
using System.Text;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Tests.Signing;
using HsmWallet.Core.Vault;

namespace HsmWallet.Core.Tests.Approvals;

public sealed class PasskeyApproverStoreTests
{
    private static EnrolledApprover Approver(string name) =>
        new(name, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), RandomNumberGenerator.GetBytes(77), 0);

    [Fact]
    public void Enrolled_approvers_are_kept_in_the_vault_settings_and_read_back_by_another_handle()
    {
        using var harness = new SigningHarness();
        var alice = Approver("alice");
        new PasskeyApproverStore(harness.Vault, () => SigningHarness.Unlock).Add(alice);

        var again = new PasskeyApproverStore(new WalletVault(harness.Vault.Home, harness.Vault.Providers), () => SigningHarness.Unlock).List();

        var stored = Assert.Single(again);
        Assert.Equal(alice.Name, stored.Name);
        Assert.Equal(alice.CredentialId, stored.CredentialId);
        Assert.Equal(alice.PublicKey, stored.PublicKey);
        Assert.True(harness.Vault.Read(SigningHarness.Unlock, vault => vault.HasSetting(VaultSettingNames.PasskeyApprovers)));
        Assert.DoesNotContain("alice", File.ReadAllText(harness.Vault.Home.VaultPath), StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_approver_with_the_same_name_or_credential_is_refused_naming_the_field()
    {
        using var harness = new SigningHarness();
        var store = new PasskeyApproverStore(harness.Vault, () => SigningHarness.Unlock);
        var alice = Approver("alice");
        store.Add(alice);

        var sameName = Assert.Throws<InvalidInputException>(() => store.Add(Approver("alice")));
        var sameKey = Assert.Throws<InvalidInputException>(() => store.Add(alice with { Name = "bob" }));

        Assert.StartsWith("name:", sameName.Message, StringComparison.Ordinal);
        Assert.StartsWith("credential:", sameKey.Message, StringComparison.Ordinal);
        Assert.Single(store.List());
    }

    [Fact]
    public void The_number_of_approvers_is_bounded_and_names_are_checked()
    {
        using var harness = new SigningHarness();
        var store = new PasskeyApproverStore(harness.Vault, () => SigningHarness.Unlock);
        for (var i = 0; i < PasskeyApproverStore.MaximumApprovers; i++)
        {
            store.Add(Approver("approver" + i));
        }

        var tooMany = Assert.Throws<InvalidInputException>(() => store.Add(Approver("one-more")));
        Assert.Contains("at most 8 approvers", tooMany.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidInputException>(() => store.Add(Approver("has space")));
        Assert.Throws<InvalidInputException>(() => store.Add(Approver("")));
        Assert.Throws<InvalidInputException>(() => store.Add(Approver(new string('a', 33))));
        Assert.Equal(PasskeyApproverStore.MaximumApprovers, store.List().Count);
    }

    [Fact]
    public void Removing_an_approver_forgets_it_and_the_last_one_is_kept_when_asked()
    {
        using var harness = new SigningHarness();
        var store = new PasskeyApproverStore(harness.Vault, () => SigningHarness.Unlock);
        store.Add(Approver("alice"));
        store.Add(Approver("bob"));

        store.Remove("alice", keepOne: true);
        var last = Assert.Throws<InvalidInputException>(() => store.Remove("bob", keepOne: true));
        var unknown = Assert.Throws<InvalidInputException>(() => store.Remove("carol", keepOne: false));

        Assert.Contains("last enrolled approver", last.Message, StringComparison.Ordinal);
        Assert.Contains("names no enrolled approver", unknown.Message, StringComparison.Ordinal);
        Assert.Equal("bob", Assert.Single(store.List()).Name);
    }

    [Fact]
    public void The_challenge_binds_the_binding_and_the_nonce_and_a_malformed_nonce_is_refused()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var nonce = PasskeyChallenge.Issue(key, 40000, DateTimeOffset.UtcNow);
        var binding = new string('a', 64);

        var challenge = PasskeyChallenge.For(binding, nonce);

        Assert.Equal(SHA256.HashData([.. Encoding.ASCII.GetBytes(binding), .. Convert.FromHexString(nonce)]), challenge);
        Assert.NotEqual(challenge, PasskeyChallenge.For(new string('b', 64), nonce));
        Assert.NotEqual(challenge, PasskeyChallenge.For(binding, PasskeyChallenge.Issue(key, 40000, DateTimeOffset.UtcNow)));
        Assert.Equal("approval_declined", Assert.Throws<ApprovalException>(() => PasskeyChallenge.For(binding, "00")).Code);
        Assert.Throws<ApprovalException>(() => PasskeyChallenge.For(binding, nonce.ToUpperInvariant() + "x"));
    }

    [Fact]
    public void A_nonce_counts_only_with_the_vault_key_that_drew_it_for_its_own_port_and_for_an_hour()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var now = DateTimeOffset.UtcNow;
        var nonce = PasskeyChallenge.Issue(key, 40000, now);

        // A look-alike page on another port rewrites the port bytes: the MAC no longer matches.
        var movedPort = nonce[..16] + "9c41" + nonce[20..];
        var otherVault = Assert.Throws<ApprovalException>(() => PasskeyChallenge.Check(RandomNumberGenerator.GetBytes(32), nonce, now));
        var moved = Assert.Throws<ApprovalException>(() => PasskeyChallenge.Check(key, movedPort, now));
        var old = Assert.Throws<ApprovalException>(() => PasskeyChallenge.Check(key, nonce, now + PasskeyChallenge.MaximumAge + TimeSpan.FromMinutes(1)));

        Assert.Equal(40000, PasskeyChallenge.Check(key, nonce, now + TimeSpan.FromMinutes(59)));
        Assert.Contains("not issued by an approval page", otherVault.Message, StringComparison.Ordinal);
        Assert.Contains("not issued by an approval page", moved.Message, StringComparison.Ordinal);
        Assert.Contains("older than", old.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_mode_is_form_without_approvers_passkey_once_one_is_enrolled_and_weaker_only_when_the_operator_sets_it()
    {
        using var harness = new SigningHarness();
        var store = new PasskeyApproverStore(harness.Vault, () => SigningHarness.Unlock);
        var before = store.Mode();
        var noApprover = Assert.Throws<InvalidInputException>(() => store.SetMode(ApprovalMode.Passkey));
        store.Add(Approver("alice"));
        var enrolled = store.Mode();
        var lastKept = Assert.Throws<InvalidInputException>(() => store.Remove("alice", keepOne: false));
        store.SetMode(ApprovalMode.Operator);
        var chosen = store.Mode();
        store.Remove("alice", keepOne: false);

        Assert.Equal(ApprovalMode.Form, before);
        Assert.StartsWith("mode:", noApprover.Message, StringComparison.Ordinal);
        Assert.Equal(ApprovalMode.Passkey, enrolled);
        Assert.Contains("last enrolled approver", lastKept.Message, StringComparison.Ordinal);
        Assert.Equal(ApprovalMode.Operator, chosen);
        Assert.Empty(store.List());
        Assert.True(Assert.Single(store.ListAll()).Retired);
    }

    [Fact]
    public void A_host_can_ask_for_a_stronger_mode_than_the_vault_but_never_a_weaker_one()
    {
        using var harness = new SigningHarness();
        var store = new PasskeyApproverStore(harness.Vault, () => SigningHarness.Unlock);
        store.Add(Approver("alice"));

        Assert.Equal(ApprovalMode.Passkey, new ApprovalRules(store, new RefusingVerifier(), ApprovalMode.Form).Mode());
        store.SetMode(ApprovalMode.Form);
        Assert.Equal(ApprovalMode.Operator, new ApprovalRules(store, new RefusingVerifier(), ApprovalMode.Operator).Mode());
        Assert.Equal(ApprovalMode.Form, new ApprovalRules(store, new RefusingVerifier()).Mode());
    }

    [Fact]
    public void Core_refuses_a_form_grant_in_operator_mode_any_non_passkey_grant_in_passkey_mode_and_a_delay_grant_where_no_delay_was_offered()
    {
        using var harness = new SigningHarness();
        var store = new PasskeyApproverStore(harness.Vault, () => SigningHarness.Unlock);
        var binding = new string('c', 64);
        var request = new ApprovalRequest("tx_sign", binding, new ApprovalSummary("Sign", [], [], []), null);
        var operatorMode = new ApprovalRules(store, new RefusingVerifier(), ApprovalMode.Operator);
        var passkeyMode = new ApprovalRules(store, new RefusingVerifier(), ApprovalMode.Passkey);

        var form = Assert.Throws<ApprovalException>(() => operatorMode.Accept(new ApprovalGrant(binding, ApprovalGrant.ViaElicitation), request));
        var accepted = operatorMode.Accept(new ApprovalGrant(binding, ApprovalGrant.ViaOperator), request);
        var operatorInPasskeyMode = Assert.Throws<ApprovalException>(() => passkeyMode.Accept(new ApprovalGrant(binding, ApprovalGrant.ViaOperator), request));
        var delay = Assert.Throws<ApprovalException>(() => operatorMode.Accept(new ApprovalGrant(binding, ApprovalGrant.ViaDelay), request));
        var delayOffered = operatorMode.Accept(new ApprovalGrant(binding, ApprovalGrant.ViaDelay), request with { Delay = TimeSpan.FromMinutes(5) });
        var quorum = Assert.Throws<ApprovalException>(() => operatorMode.Accept(new ApprovalGrant(binding, ApprovalGrant.ViaOperator), request with { Quorum = 2 }));
        var other = Assert.Throws<ApprovalException>(() => operatorMode.Accept(new ApprovalGrant(new string('d', 64), ApprovalGrant.ViaOperator), request));

        Assert.Contains("form does not count", form.Message, StringComparison.Ordinal);
        Assert.Equal(ApprovalGrant.ViaOperator, accepted.Via);
        Assert.Contains("need an enrolled approver's passkey", operatorInPasskeyMode.Message, StringComparison.Ordinal);
        Assert.Contains("a delay does not stand in", delay.Message, StringComparison.Ordinal);
        Assert.Equal(ApprovalGrant.ViaDelay, delayOffered.Via);
        Assert.Contains("2 distinct approvers", quorum.Message, StringComparison.Ordinal);
        Assert.Contains("other data", other.Message, StringComparison.Ordinal);
    }

    /// <summary>Refuses every assertion; these tests never reach a signature check.</summary>
    private sealed class RefusingVerifier : IApprovalAssertionVerifier
    {
        public PasskeyVerification Verify(string assertionJson, ReadOnlySpan<byte> challenge, string origin, IReadOnlyList<EnrolledApprover> approvers, bool checkCounter = true) =>
            throw new ApprovalException("approval_declined", "no assertion verifies here");
    }
}
