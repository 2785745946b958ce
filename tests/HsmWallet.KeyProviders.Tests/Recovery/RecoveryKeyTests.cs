using System.Text;
using HsmWallet.Core;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Vault;
using HsmWallet.KeyProviders.Password;
using HsmWallet.KeyProviders.Recovery;

namespace HsmWallet.KeyProviders.Tests.Recovery;

public sealed class RecoveryKeyTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_recovery_key_prints_as_8_dash_separated_groups_of_5_unambiguous_characters()
    {
        var (key, text) = RecoveryKeyFormat.Generate();
        using (key)
        using (text)
        {
            var printed = Encoding.ASCII.GetString(text.ReadOnlySpan);
            var groups = printed.Split('-');

            Assert.Equal(8, groups.Length);
            Assert.All(groups, group => Assert.Equal(5, group.Length));
            Assert.DoesNotContain(printed, c => "ILOU".Contains(c, StringComparison.Ordinal));
            Assert.Equal(20, key.Length);
        }
    }

    [Fact]
    public void Typing_lower_case_with_O_for_0_and_I_for_1_and_spaces_reads_the_same_key()
    {
        var (key, text) = RecoveryKeyFormat.Generate();
        using (key)
        using (text)
        {
            var typed = Encoding.ASCII.GetString(text.ReadOnlySpan).ToLowerInvariant().Replace('-', ' ').Replace('0', 'o').Replace('1', 'i');

            using var parsed = RecoveryKeyFormat.Parse(Encoding.ASCII.GetBytes(typed + "\n"));

            Assert.Equal(key.ReadOnlySpan.ToArray(), parsed.ReadOnlySpan.ToArray());
        }
    }

    [Fact]
    public void A_typo_is_reported_with_the_group_that_holds_it()
    {
        var (key, text) = RecoveryKeyFormat.Generate();
        using (key)
        using (text)
        {
            var typed = text.ReadOnlySpan.ToArray();
            var position = 3 * 6 + 2;
            typed[position] = typed[position] == (byte)'7' ? (byte)'8' : (byte)'7';

            var error = Assert.Throws<InvalidInputException>(() => RecoveryKeyFormat.Parse(typed));

            Assert.Equal("recovery key: group 4 fails its check (a typo?)", error.Message);
        }
    }

    [Fact]
    public void Every_single_mistyped_character_anywhere_is_caught_in_its_own_group()
    {
        const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        var (key, text) = RecoveryKeyFormat.Generate();
        using (key)
        using (text)
        {
            var original = text.ReadOnlySpan.ToArray();
            for (var position = 0; position < original.Length; position++)
            {
                if (original[position] == (byte)'-')
                {
                    continue;
                }

                foreach (var replacement in Alphabet.Select(character => (byte)character).Where(character => character != original[position]))
                {
                    var typed = original.ToArray();
                    typed[position] = replacement;

                    var error = Assert.Throws<InvalidInputException>(() => RecoveryKeyFormat.Parse(typed));

                    Assert.Equal($"recovery key: group {(position / 6) + 1} fails its check (a typo?)", error.Message);
                }
            }
        }
    }

    [Fact]
    public void A_short_or_foreign_recovery_key_is_invalid_input()
    {
        Assert.Throws<InvalidInputException>(() => RecoveryKeyFormat.Parse("ABCDE-FGHJK"u8));
        Assert.Throws<InvalidInputException>(() => RecoveryKeyFormat.Parse("UUUUU-UUUUU-UUUUU-UUUUU-UUUUU-UUUUU-UUUUU-UUUUU"u8));
    }

    [Fact]
    public void The_recovery_key_shown_once_opens_the_vault_and_is_not_stored()
    {
        var vault = new WalletVault(WalletHome.At(_directory.Combine("home")), StandardKeyProviders.CreateRegistry());
        var slots = vault.Create(ScriptedSecrets.Password("a long password"), new PasswordKeyProvider(TestCosts.Small), new RecoveryKeyProvider());
        using var shown = slots[1].ShowOnce!;
        var recovery = shown.ReadOnlySpan.ToArray();

        var opened = vault.TestSlot(new UnlockOptions(new ScriptedSecrets(SecretKind.RecoveryKey, recovery)));

        Assert.Null(slots[0].ShowOnce);
        Assert.Equal(2, opened.Id);
        Assert.Equal("recovery", opened.Kind);
        Assert.DoesNotContain(Encoding.ASCII.GetString(recovery), File.ReadAllText(vault.Home.VaultPath), StringComparison.Ordinal);
        Assert.DoesNotContain(Encoding.ASCII.GetString(recovery).Replace("-", "", StringComparison.Ordinal), File.ReadAllText(vault.Home.VaultPath), StringComparison.Ordinal);
    }

    [Fact]
    public void Another_valid_recovery_key_fails_and_a_typo_is_not_counted_as_a_guess()
    {
        var vault = new WalletVault(WalletHome.At(_directory.Combine("home")), StandardKeyProviders.CreateRegistry());
        var slots = vault.Create(ScriptedSecrets.Password("a long password"), new PasswordKeyProvider(TestCosts.Small), new RecoveryKeyProvider());
        slots[1].ShowOnce!.Dispose();
        var before = File.ReadAllBytes(vault.Home.VaultPath);
        var (otherKey, otherText) = RecoveryKeyFormat.Generate();
        otherKey.Dispose();
        using (otherText)
        {
            var wrong = Assert.Throws<UnlockFailedException>(() => vault.TestSlot(new UnlockOptions(new ScriptedSecrets(SecretKind.RecoveryKey, otherText.ReadOnlySpan.ToArray()), 2)));
            Assert.Equal(UnlockFailureReason.WrongSecret, wrong.Reason);
            Assert.Equal("slot 2 (recovery): the secret does not open this slot; 4 tries left before password and PIN unlocking locks", wrong.Message);
            Assert.Equal(before, File.ReadAllBytes(vault.Home.VaultPath));
        }

        for (var i = 0; i < 6; i++)
        {
            Assert.Throws<InvalidInputException>(() => vault.TestSlot(new UnlockOptions(new ScriptedSecrets(SecretKind.RecoveryKey, "00000-00000"u8.ToArray()), 2)));
        }

        Assert.Null(vault.Lockout.LockedUntil());
    }
}
