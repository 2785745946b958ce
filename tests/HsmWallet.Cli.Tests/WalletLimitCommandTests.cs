using HsmWallet.Cli.Tests.Support;

namespace HsmWallet.Cli.Tests;

/// <summary>`hsmwallet wallet limit`: the operator's cap on wallets per vault, and the path that always lists and deletes.</summary>
public class WalletLimitCommandTests
{
    [Fact]
    public void At_an_operator_set_cap_create_is_refused_naming_the_limit_while_list_and_delete_still_work()
    {
        using var home = new VaultHome();
        home.RunOk(null, "init", "--unlocker", "keyfile");
        var shown = home.RunOk(null, "wallet", "limit");
        var set = home.RunOk(null, "wallet", "limit", "--set", "2");
        home.RunOk(null, "wallet", "create", "--name", "one");
        home.RunOk(null, "wallet", "create", "--name", "two");
        var before = File.ReadAllBytes(home.VaultPath);

        var refused = home.Run(null, "wallet", "create", "--name", "three");
        var unchanged = File.ReadAllBytes(home.VaultPath);
        var listed = home.RunOk(null, "wallet", "list");
        home.RunOk(null, "wallet", "delete", "--name", "one", "--yes");
        home.RunOk(null, "wallet", "create", "--name", "three");
        var after = home.RunOk(null, "wallet", "limit");

        Assert.Equal(1000, (int)shown["limit"]!);
        Assert.Equal(2, (int)set["limit"]!);
        Assert.Equal(2, refused.ExitCode);
        var message = (string)VaultHome.Error(refused)["message"]!;
        Assert.StartsWith("wallets:", message, StringComparison.Ordinal);
        Assert.Contains("limit is 2", message, StringComparison.Ordinal);
        Assert.Contains("wallet limit --set", message, StringComparison.Ordinal);
        Assert.Equal(before, unchanged);
        Assert.Equal(2, listed["wallets"]!.AsArray().Count);
        Assert.Equal(2, (int)after["wallets"]!);
    }

    [Fact]
    public void A_limit_out_of_range_is_refused_and_nothing_changes()
    {
        using var home = new VaultHome();
        home.RunOk(null, "init", "--unlocker", "keyfile");

        var refused = home.Run(null, "wallet", "limit", "--set", "0");

        Assert.Equal(2, refused.ExitCode);
        Assert.StartsWith("limit:", (string)VaultHome.Error(refused)["message"]!, StringComparison.Ordinal);
        Assert.Equal(1000, (int)home.RunOk(null, "wallet", "limit")["limit"]!);
    }
}
