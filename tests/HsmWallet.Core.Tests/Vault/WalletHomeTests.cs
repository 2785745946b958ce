using HsmWallet.Core.Tests.Unlocking;
using HsmWallet.Core.Vault;

namespace HsmWallet.Core.Tests.Vault;

public class WalletHomeTests
{
    [Fact]
    public void The_home_option_wins_over_every_variable()
    {
        var path = WalletHome.ResolvePath("/opt/wallet", name => name switch
        {
            "HSMWALLET_HOME" => "/env/home",
            "XDG_DATA_HOME" => "/xdg",
            _ => "/root",
        });
        Assert.Equal("/opt/wallet", path);
    }

    [Fact]
    public void Without_an_option_the_variables_decide_in_order()
    {
        Assert.Equal("/env/home", WalletHome.ResolvePath(null, name => name == "HSMWALLET_HOME" ? "/env/home" : name == "XDG_DATA_HOME" ? "/xdg" : "/u"));
        Assert.Equal("/xdg/hsmwallet", WalletHome.ResolvePath(null, name => name == "XDG_DATA_HOME" ? "/xdg" : name == "HOME" ? "/u" : null));
        Assert.Equal("/u/.local/share/hsmwallet", WalletHome.ResolvePath(null, name => name == "HOME" ? "/u" : null));
    }

    [Fact]
    public void Opening_creates_the_home_with_mode_0700()
    {
        using var directory = new TemporaryDirectory();
        var home = WalletHome.Open(null, name => name == "HSMWALLET_HOME" ? Path.Combine(directory.Path, "a", "b") : null);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(home.Root));
        Assert.Equal(Path.Combine(home.Root, "vault.json"), home.VaultPath);
        Assert.Equal(Path.Combine(home.Root, "state", "x"), home.StateFile("x"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(home.StateDirectory));
    }
}
