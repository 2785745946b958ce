using HsmWallet.Cli.Tests.Support;

namespace HsmWallet.Cli.Tests;

/// <summary>
/// The CLI's approver (what Core asks before an export, a delete or a signature the policy sends to a human): the flag
/// approves in advance; on a terminal the operator reads Core's summary and types yes; a script without the flag is
/// refused naming the flag, and nothing is written or removed.
/// </summary>
public sealed class TerminalApproverTests : IDisposable
{
    private readonly VaultHome _home = new();
    private readonly string _address;

    public TerminalApproverTests()
    {
        _home.RunOk(null, "init", "--unlocker", "keyfile");
        _address = (string)_home.RunOk(null, "wallet", "create", "--name", "main")["address"]!;
    }

    public void Dispose() => _home.Dispose();

    private string[] Wallets() => [.. _home.RunOk(null, "wallet", "list")["wallets"]!.AsArray().Select(wallet => (string)wallet!["name"]!)];

    [Fact]
    public void Wallet_export_with_yes_writes_the_backup_and_the_audit_log_records_its_path_once()
    {
        var backupPassword = _home.SecretFile("backup", "a long backup password\n");
        var backup = Path.Combine(_home.Scratch, "main.backup.json");

        var exported = _home.RunOk(null, ["wallet", "export", "--name", "main", "--out", backup, "--backup-password-file", backupPassword, "--yes", .. VaultHome.CheapKdf]);

        Assert.Equal(backup, (string)exported["path"]!);
        Assert.True(File.Exists(backup));
        var entries = _home.RunOk(null, "audit", "show", "--last", "100")["entries"]!.AsArray();
        var exports = entries.Where(entry => (string)entry!["event_type"]! == "wallet.export").ToList();
        Assert.Equal(["started", "success"], exports.Select(entry => (string)entry!["operation"]!["result"]!));
        Assert.Equal(backup, (string)exports[1]!["operation"]!["parameters"]!["path"]!);
        Assert.Equal(_address, (string)exports[1]!["operation"]!["parameters"]!["address"]!);
    }

    [Fact]
    public void Wallet_export_in_a_script_without_yes_is_refused_naming_the_flag_and_writes_nothing()
    {
        var backupPassword = _home.SecretFile("backup", "a long backup password\n");
        var backup = Path.Combine(_home.Scratch, "main.backup.json");

        var refused = _home.Run(null, ["wallet", "export", "--name", "main", "--out", backup, "--backup-password-file", backupPassword, .. VaultHome.CheapKdf]);

        Assert.Equal(2, refused.ExitCode);
        Assert.StartsWith("--yes:", (string)VaultHome.Error(refused)["message"]!, StringComparison.Ordinal);
        Assert.False(File.Exists(backup));
    }

    [Fact]
    public void Wallet_delete_on_a_terminal_shows_the_wallet_and_keeps_it_unless_yes_is_typed()
    {
        var declined = TerminalProcess.Run("no\n", "wallet", "delete", "--name", "main", "--home", _home.Home);

        Assert.Equal(1, declined.ExitCode);
        Assert.Contains($"Delete wallet {_address} from the vault", declined.Stdout, StringComparison.Ordinal);
        Assert.Contains("not deleted", declined.Stdout, StringComparison.Ordinal);
        Assert.Equal(["main"], Wallets());

        var confirmed = TerminalProcess.Run("yes\n", "wallet", "delete", "--name", "main", "--home", _home.Home, "--json");

        Assert.Equal(0, confirmed.ExitCode);
        Assert.Empty(Wallets());
    }

    [Fact]
    public void Wallet_export_on_a_terminal_declined_writes_no_file()
    {
        var backupPassword = _home.SecretFile("backup", "a long backup password\n");
        var backup = Path.Combine(_home.Scratch, "main.backup.json");

        var declined = TerminalProcess.Run("no\n", ["wallet", "export", "--name", "main", "--out", backup, "--backup-password-file", backupPassword, "--home", _home.Home, .. VaultHome.CheapKdf]);

        Assert.Equal(1, declined.ExitCode);
        Assert.Contains($"Export an encrypted backup of wallet {_address}", declined.Stdout, StringComparison.Ordinal);
        Assert.Contains("not exported", declined.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(backup));
    }
}
