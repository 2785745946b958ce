using HsmWallet.Core;
using HsmWallet.Core.Vault;
using HsmWallet.KeyProviders.Password;

namespace HsmWallet.KeyProviders.Tests.Password;

public class Argon2Tests
{
    [Fact]
    public void Libargon2_gives_the_same_key_as_the_reference_argon2_tool()
    {
        // echo -n password | argon2 somesaltsomesalt -id -t 2 -k 8192 -p 2 -l 32 -r
        var output = new byte[32];

        new LibArgon2id().DeriveKey("password"u8, "somesaltsomesalt"u8, new Argon2Parameters(8192, 2, 2), output);

        Assert.Equal("8cf541d0a902e9fa8e7c64b3d02688cf181208de4de611bd902caad0ec2f18aa", Convert.ToHexStringLower(output));
    }

    [Fact]
    public void Libargon2_is_reported_healthy_when_installed()
    {
        Assert.True(new LibArgon2id().CheckHealth().IsHealthy);
    }

    [Fact]
    public void Calibrated_defaults_are_at_least_64_MiB_and_3_passes_and_open_a_slot()
    {
        var costs = Argon2Calibration.Calibrate();

        Assert.True(costs.MemoryKib >= 64 * 1024);
        Assert.True(costs.Iterations >= 3);
        Assert.InRange(costs.Parallelism, 1, 4);

        using var directory = new TemporaryDirectory();
        var vault = new WalletVault(WalletHome.At(directory.Combine("home")), StandardKeyProviders.CreateRegistry());
        var slot = vault.Create(ScriptedSecrets.Password("calibrated password"), new PasswordKeyProvider(costs)).Single().Slot;
        Assert.Equal(costs.MemoryKib, slot.Parameters["memoryKib"]!.GetValue<int>());
        Assert.Equal(costs.Iterations, slot.Parameters["iterations"]!.GetValue<int>());
        Assert.Equal(1, vault.TestSlot(new UnlockOptions(ScriptedSecrets.Password("calibrated password"))).Id);
    }

    [Theory]
    [InlineData(4096, 1, 1, "kdf-memory")]
    [InlineData(8192, 0, 1, "kdf-iterations")]
    [InlineData(8192, 1, 17, "kdf-parallelism")]
    public void Costs_outside_their_bounds_name_the_option(int memoryKib, int iterations, int parallelism, string field)
    {
        var error = Assert.Throws<InvalidInputException>(() => new PasswordKeyProvider(new Argon2Parameters(memoryKib, iterations, parallelism)));
        Assert.Equal(field, error.Field);
    }
}
