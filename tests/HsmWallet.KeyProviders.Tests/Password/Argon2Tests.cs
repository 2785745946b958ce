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

    [Theory]
    // echo -n password | argon2 somesaltsomesalt -id -t 3 -k 65536 -p 4 -l 32 -r (the peer's costs: 32 huge pages)
    [InlineData(65536, 3, 4, "81db97a7e67a891784a2599bc879f957cb3512d273984bd97d8a18fc59ff01e2")]
    // echo -n password | argon2 somesaltsomesalt -id -t 1 -k 8200 -p 3 -l 32 -r (not a whole number of huge pages)
    [InlineData(8200, 1, 3, "f4ab5db119aeb9a70e5b786be71b8475496da758f5e11f61a6e4d7e5c89f9fd5")]
    public void The_huge_page_memory_gives_the_reference_tools_key_at_any_size(int memoryKib, int iterations, int parallelism, string expected)
    {
        var output = new byte[32];
        var libraryOwnMemory = new byte[32];

        new LibArgon2id().DeriveKey("password"u8, "somesaltsomesalt"u8, new Argon2Parameters(memoryKib, iterations, parallelism), output);
        var code = KeyProviders.Argon2.LibArgon2.HashRawWithLibraryMemory((uint)iterations, (uint)memoryKib, (uint)parallelism, "password"u8, "somesaltsomesalt"u8, libraryOwnMemory);

        Assert.Equal(expected, Convert.ToHexStringLower(output));
        Assert.Equal((0, expected), (code, Convert.ToHexStringLower(libraryOwnMemory)));
    }

    [Fact]
    public void Many_derivations_leave_no_argon2_memory_mapped_behind()
    {
        var output = new byte[32];
        new LibArgon2id().DeriveKey("password"u8, "somesaltsomesalt"u8, new Argon2Parameters(65536, 1, 1), output);
        var mappedBefore = MappedKib();

        for (var i = 0; i < 8; i++)
        {
            new LibArgon2id().DeriveKey("password"u8, "somesaltsomesalt"u8, new Argon2Parameters(65536, 1, 1), output);
        }

        // Eight 64 MiB derivations: a leak would add 512 MiB of mappings; other threads of the test run add far less.
        Assert.True(MappedKib() - mappedBefore < 256 * 1024, $"mapped memory grew from {mappedBefore} KiB to {MappedKib()} KiB");
    }

    private static long MappedKib()
    {
        var line = File.ReadLines("/proc/self/status").First(text => text.StartsWith("VmSize:", StringComparison.Ordinal));
        return long.Parse(line["VmSize:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
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
