using HsmWallet.Cli.Tests.Support;

namespace HsmWallet.Cli.Tests;

/// <summary>
/// The lockout as an operator meets it, one process per command: every failure counts down, a recovery key or
/// key file opens a locked vault and lifts the lock, and public data stays readable while locked.
/// </summary>
public sealed class LockoutCommandTests : IDisposable
{
    private readonly VaultHome _home = new();
    private readonly string _password;
    private readonly string _wrong;

    public LockoutCommandTests()
    {
        _password = _home.SecretFile("password", "correct horse battery\n");
        _wrong = _home.SecretFile("wrong", "incorrect horse battery\n");
    }

    public void Dispose() => _home.Dispose();

    private string InitWithRecoveryKey()
    {
        var created = _home.RunOk(null, ["init", "--unlocker", "password", "--password-file", _password, "--recovery-key", .. VaultHome.CheapKdf]);
        return _home.SecretFile("recovery", (string)created["recovery_key"]! + "\n");
    }

    private List<CliProcess.Result> FiveWrongPasswords(string passwordSlot = "1") =>
        [.. Enumerable.Range(0, 5).Select(_ => _home.Run(null, "wallet", "list", "--password-file", _wrong, "--slot", passwordSlot))];

    [Fact]
    public void Each_wrong_password_says_how_many_tries_remain_in_the_message_and_the_json_error()
    {
        InitWithRecoveryKey();

        var failures = FiveWrongPasswords();

        Assert.All(failures, failure => Assert.Equal("unlock_failed", (string)VaultHome.Error(failure)["code"]!));
        Assert.Equal([4, 3, 2, 1, 0], failures.Select(failure => (int)VaultHome.Error(failure)["tries_left"]!));
        Assert.Contains("4 tries left", failures[0].Stderr, StringComparison.Ordinal);
        Assert.Contains("1 try left", failures[3].Stderr, StringComparison.Ordinal);
        Assert.Contains("that was the last try", failures[4].Stderr, StringComparison.Ordinal);
        Assert.NotNull(VaultHome.Error(failures[4])["locked_until"]);
    }

    [Fact]
    public void After_a_lockout_the_recovery_key_opens_the_vault_and_lifts_the_lock_so_the_password_works_again()
    {
        var recovery = InitWithRecoveryKey();
        _home.RunOk(null, "wallet", "create", "--name", "main", "--password-file", _password);
        FiveWrongPasswords();

        var refused = _home.Run(null, "wallet", "list", "--password-file", _password);
        var byRecovery = _home.RunOk(null, "wallet", "list", "--recovery-key-file", recovery);
        var byPassword = _home.RunOk(null, "wallet", "list", "--password-file", _password);

        Assert.Equal("locked_out", (string)VaultHome.Error(refused)["code"]!);
        Assert.Contains("slot 2 (recovery) still opens the vault", (string)VaultHome.Error(refused)["message"]!, StringComparison.Ordinal);
        Assert.Equal("main", (string)byRecovery["wallets"]![0]!["name"]!);
        Assert.Equal("main", (string)byPassword["wallets"]![0]!["name"]!);
        Assert.Equal(5, (int)_home.RunOk(null, "status")["lockout"]!["tries_left"]!);
    }

    [Fact]
    public void A_key_file_slot_opens_a_locked_vault_and_lifts_the_lock()
    {
        _home.RunOk(null, "init", "--unlocker", "keyfile");
        _home.RunOk(null, ["slot", "add", "--unlocker", "password", "--new-password-file", _password, .. VaultHome.CheapKdf]);
        Assert.Equal(0, (int)VaultHome.Error(FiveWrongPasswords("2")[4])["tries_left"]!);
        var locked = _home.Run(null, "wallet", "list", "--password-file", _password, "--slot", "2");

        var byKeyFile = _home.RunOk(null, "wallet", "list");

        Assert.Equal("locked_out", (string)VaultHome.Error(locked)["code"]!);
        Assert.NotNull(byKeyFile["wallets"]);
        Assert.False((bool)_home.RunOk(null, "status")["lockout"]!["locked"]!);
        _home.RunOk(null, "slot", "test", "2", "--password-file", _password);
    }

    [Fact]
    public void While_locked_status_slot_list_and_policy_show_answer_and_wallet_list_says_which_slot_opens_the_vault()
    {
        InitWithRecoveryKey();
        FiveWrongPasswords();

        var status = _home.RunOk(null, "status");
        var slots = _home.RunOk(null, "slot", "list");
        var policy = _home.RunOk(null, "policy", "show", "--password-file", _password);
        var wallets = _home.Run(null, "wallet", "list", "--password-file", _password);

        Assert.True((bool)status["lockout"]!["locked"]!);
        Assert.Equal(0, (int)status["lockout"]!["tries_left"]!);
        Assert.Equal(2, slots["slots"]!.AsArray().Count);
        Assert.Equal("built-in defaults", (string)policy["source"]!);
        Assert.NotNull(policy["policy"]);
        Assert.Null(policy["trusted"]);
        Assert.Contains("locked out", (string)policy["unverified"]!, StringComparison.Ordinal);
        Assert.Equal("locked_out", (string)VaultHome.Error(wallets)["code"]!);
        Assert.Contains("--recovery-key-file", (string)VaultHome.Error(wallets)["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void Policy_show_needs_no_secret_and_says_the_hash_was_not_checked()
    {
        _home.RunOk(null, ["init", "--unlocker", "password", "--password-file", _password, .. VaultHome.CheapKdf]);

        var shown = _home.RunOk(null, "policy", "show");

        Assert.Null(shown["trusted"]);
        Assert.Contains("no secret was given", (string)shown["unverified"]!, StringComparison.Ordinal);
        Assert.True((bool)_home.RunOk(null, "policy", "show", "--password-file", _password)["trusted"]!);
    }
}

/// <summary>New passwords typed at a terminal (a pseudo-terminal through util-linux `script`).</summary>
public sealed class PasswordPromptTests : IDisposable
{
    private const string Good = "correct horse battery";
    private readonly VaultHome _home = new();

    public void Dispose() => _home.Dispose();

    private CliProcess.Result Init(string typed) =>
        TerminalProcess.Run(typed, ["init", "--unlocker", "password", "--recovery-key", "--home", _home.Home, .. VaultHome.CheapKdf]);

    private static int Count(string screen, string text)
    {
        var count = 0;
        for (var at = screen.IndexOf(text, StringComparison.Ordinal); at >= 0; at = screen.IndexOf(text, at + text.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    [Fact]
    public void Init_with_a_recovery_key_asks_for_the_password_once_and_its_repeat_once_and_never_unlocks_again()
    {
        var result = Init($"{Good}\n{Good}\n");

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Equal(1, Count(result.Stdout, "New password for slot 1: "));
        Assert.Equal(1, Count(result.Stdout, "Repeat new password for slot 1: "));
        Assert.Equal(0, Count(result.Stdout, "Password for slot"));
        Assert.True(File.Exists(_home.VaultPath));
    }

    [Fact]
    public void A_short_password_is_refused_right_after_the_first_entry_and_asked_again()
    {
        var result = Init($"short\n{Good}\n{Good}\n");

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        var screen = result.Stdout;
        var refusal = screen.IndexOf("must be at least 8 bytes long; try again", StringComparison.Ordinal);
        Assert.True(refusal > 0, screen);
        Assert.True(refusal < screen.IndexOf("Repeat new password", StringComparison.Ordinal), screen);
        Assert.Equal(2, Count(screen, "New password for slot 1: "));
        Assert.Equal(1, Count(screen, "Repeat new password for slot 1: "));
    }

    [Fact]
    public void Two_entries_that_differ_are_reported_and_asked_again()
    {
        var result = Init($"{Good}\n{Good}x\n{Good}\n{Good}\n");

        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Contains("the two entries differ; try again", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, Count(result.Stdout, "New password for slot 1: "));
    }

    [Fact]
    public void Three_failed_entries_exit_2_and_create_no_vault()
    {
        var result = Init("one\ntwo\nthree\n");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(3, Count(result.Stdout, "New password for slot 1: "));
        Assert.Contains("password: must be at least 8 bytes long (3 tries)", result.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(_home.VaultPath));
    }
}
