using System.Globalization;
using HsmWallet.Core.Tests.Unlocking;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Vault;

namespace HsmWallet.Core.Tests.Vault;

/// <summary>The vault cannot be grown past what its readers accept: a wallet cap the operator sets, and a writer that refuses an over-size file.</summary>
public sealed class VaultLimitTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();
    private readonly KeyProviderRegistry _registry = new();
    private readonly WalletHome _home;
    private readonly WalletVault _vault;

    public VaultLimitTests()
    {
        _registry.Register("fake", () => new FakeKeyProvider());
        _home = WalletHome.At(Path.Combine(_directory.Path, "home"));
        _vault = new WalletVault(_home, _registry);
        _vault.Create(new FixedSecretSource("correct horse"), new FakeKeyProvider());
    }

    public void Dispose() => _directory.Dispose();

    private static UnlockOptions Unlock() => new(new FixedSecretSource("correct horse"));

    private static WalletDescription Wallet(int number) =>
        new("w" + number.ToString(CultureInfo.InvariantCulture), "ed25519", "testnet", "r" + number.ToString("D30", CultureInfo.InvariantCulture), "ED" + new string('A', 64));

    private void SetLimit(int limit) => _vault.Update(Unlock(), vault =>
    {
        vault.SetWalletLimit(limit);
        return true;
    });

    [Fact]
    public void A_new_vault_allows_the_default_limit_and_the_operator_setting_is_read_back()
    {
        Assert.Equal(UnlockedVault.DefaultWalletLimit, _vault.Read(Unlock(), vault => vault.WalletLimit));

        SetLimit(3);

        Assert.Equal(3, _vault.Read(Unlock(), vault => vault.WalletLimit));
    }

    [Fact]
    public void At_the_cap_the_next_wallet_is_refused_naming_the_limit_and_how_to_raise_it_and_the_file_is_unchanged()
    {
        SetLimit(3);
        for (var i = 0; i < 3; i++)
        {
            _vault.AddWallet(Unlock(), Wallet(i), new byte[16]);
        }

        var before = File.ReadAllBytes(_home.VaultPath);
        var refused = Assert.Throws<InvalidInputException>(() => _vault.AddWallet(Unlock(), Wallet(3), new byte[16]));

        Assert.Equal("wallets", refused.Field);
        Assert.Contains("limit is 3", refused.Message, StringComparison.Ordinal);
        Assert.Contains("hsmwallet wallet limit --set", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(_home.VaultPath));
    }

    [Fact]
    public void At_the_cap_the_operator_still_lists_and_deletes_and_a_freed_place_can_be_used_again()
    {
        SetLimit(2);
        _vault.AddWallet(Unlock(), Wallet(0), new byte[16]);
        _vault.AddWallet(Unlock(), Wallet(1), new byte[16]);
        Assert.Throws<InvalidInputException>(() => _vault.AddWallet(Unlock(), Wallet(2), new byte[16]));

        Assert.Equal(2, _vault.ListWallets(Unlock()).Count);
        _vault.DeleteWallet(Unlock(), "w0");
        _vault.AddWallet(Unlock(), Wallet(2), new byte[16]);

        Assert.Equal(["w1", "w2"], _vault.ListWallets(Unlock()).Select(wallet => wallet.Name));
    }

    [Fact]
    public void Lowering_the_limit_below_the_wallets_held_keeps_them_and_refuses_only_new_ones()
    {
        _vault.AddWallet(Unlock(), Wallet(0), new byte[16]);
        _vault.AddWallet(Unlock(), Wallet(1), new byte[16]);

        SetLimit(1);

        Assert.Equal(2, _vault.ListWallets(Unlock()).Count);
        Assert.Throws<InvalidInputException>(() => _vault.AddWallet(Unlock(), Wallet(2), new byte[16]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(UnlockedVault.MaximumWalletLimit + 1)]
    public void A_limit_outside_its_range_is_refused_naming_the_range(int limit)
    {
        var refused = Assert.Throws<InvalidInputException>(() => SetLimit(limit));

        Assert.Equal("limit", refused.Field);
        Assert.Contains(UnlockedVault.MaximumWalletLimit.ToString(CultureInfo.InvariantCulture), refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_vault_at_the_highest_limit_stays_under_the_size_every_reader_accepts()
    {
        var oneWallet = new WalletDescription(new string('n', 64), "secp256k1", "mainnet", "r" + new string('x', 34), new string('A', 132));
        var before = File.ReadAllBytes(_home.VaultPath).Length;
        _vault.AddWallet(Unlock(), oneWallet, new byte[128]);
        var perWallet = File.ReadAllBytes(_home.VaultPath).Length - before;

        Assert.True(before + ((long)perWallet * UnlockedVault.MaximumWalletLimit) < VaultDocument.MaximumFileLength, perWallet.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_writer_refuses_a_vault_its_reader_would_refuse_and_leaves_the_old_file()
    {
        _vault.AddWallet(Unlock(), Wallet(0), new byte[16]);
        var before = File.ReadAllBytes(_home.VaultPath);
        var small = new WalletVault(_home, _registry) { MaximumFileLength = before.Length + 100 };

        var refused = Assert.Throws<InvalidInputException>(() => small.AddWallet(Unlock(), Wallet(1), new byte[16]));

        Assert.Equal("vault", refused.Field);
        Assert.Contains("nothing was written", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(_home.VaultPath));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(_home.VaultPath)!, ".vault.json.tmp-*"));
        Assert.Single(small.ListWallets(Unlock()));
    }
}
