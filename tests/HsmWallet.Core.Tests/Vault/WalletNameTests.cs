using HsmWallet.Core.Tests.Unlocking;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Vault;
using HsmWallet.Core.Xrpl.Addresses;

namespace HsmWallet.Core.Tests.Vault;

/// <summary>A wallet name is never an address, so no name can stand for another wallet's account.</summary>
public sealed class WalletNameTests : IDisposable
{
    private const string OtherAddress = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe";

    private readonly TemporaryDirectory _directory = new();
    private readonly WalletVault _vault;

    public WalletNameTests()
    {
        var registry = new KeyProviderRegistry();
        registry.Register("fake", () => new FakeKeyProvider());
        _vault = new WalletVault(WalletHome.At(Path.Combine(_directory.Path, "home")), registry);
        _vault.Create(new FixedSecretSource("correct horse"), new FakeKeyProvider());
    }

    public void Dispose() => _directory.Dispose();

    private static UnlockOptions Unlock => new(new FixedSecretSource("correct horse"));

    private static WalletDescription Named(string name, string address = "rHb9CJAWyB4rj91VRWn96DkukG4bwdtyTh") =>
        new(name, "ed25519", "testnet", address, "ED" + new string('A', 64));

    public static TheoryData<string> AddressShapedNames() =>
    [
        OtherAddress,
        "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYf", // a bad checksum still reads as an address to a person
        "rrrrrrrrrrrrrrrrrrrrrhoLvTp",
        new XAddress(AccountId.ParseClassic(OtherAddress, "address"), 12345, IsTestNetwork: false).Encode(),
        new XAddress(AccountId.ParseClassic(OtherAddress, "address"), null, IsTestNetwork: true).Encode(),
    ];

    [Theory]
    [MemberData(nameof(AddressShapedNames))]
    public void A_name_shaped_like_a_classic_or_x_address_is_refused_naming_the_field(string name)
    {
        var error = Assert.Throws<InvalidInputException>(() => _vault.AddWallet(Unlock, Named(name), new byte[16]));

        Assert.Equal("name", error.Field);
        Assert.Contains("address", error.Rule, StringComparison.Ordinal);
        Assert.Empty(_vault.ListWallets(Unlock));
    }

    [Theory]
    [InlineData("treasury")]
    [InlineData("rent-2026")]
    [InlineData("r")]
    [InlineData("Xmas")]
    [InlineData("rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAY_e")]
    public void Ordinary_names_stay_accepted(string name)
    {
        Assert.Equal(name, _vault.AddWallet(Unlock, Named(name), new byte[16]).Name);
    }

    [Fact]
    public void Finding_by_name_never_matches_an_address()
    {
        _vault.AddWallet(Unlock, Named("victim", OtherAddress), new byte[16]);

        var error = Assert.Throws<InvalidInputException>(() => _vault.Read(Unlock, vault => vault.FindWalletByName(OtherAddress)));

        Assert.Equal("name", error.Field);
        Assert.Equal(OtherAddress, _vault.Read(Unlock, vault => vault.FindWalletByName("VICTIM")).Address);
    }
}
