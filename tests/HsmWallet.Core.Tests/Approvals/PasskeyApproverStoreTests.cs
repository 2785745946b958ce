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
        var nonce = PasskeyChallenge.NewNonce();
        var binding = new string('a', 64);

        var challenge = PasskeyChallenge.For(binding, nonce);

        Assert.Equal(SHA256.HashData([.. Encoding.ASCII.GetBytes(binding), .. Convert.FromHexString(nonce)]), challenge);
        Assert.NotEqual(challenge, PasskeyChallenge.For(new string('b', 64), nonce));
        Assert.NotEqual(challenge, PasskeyChallenge.For(binding, PasskeyChallenge.NewNonce()));
        Assert.Equal("approval_declined", Assert.Throws<ApprovalException>(() => PasskeyChallenge.For(binding, "00")).Code);
        Assert.Throws<ApprovalException>(() => PasskeyChallenge.For(binding, nonce.ToUpperInvariant() + "x"));
    }
}
