using HsmWallet.Core.Secrets;
using HsmWallet.Core.Secrets.Files;
using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Tests.Fixtures;
using HsmWallet.Core.Tests.Unlocking;

namespace HsmWallet.Core.Tests.Secrets;

public class SecretSourceTests
{
    private static readonly SecretRequest Password = new(SecretKind.Password, "Password for slot 1");
    private static readonly SecretRequest Pin = new(SecretKind.Pin, "PIN");

    private static string WriteFile(string directory, string name, byte[] content, UnixFileMode mode)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, content);
        File.SetUnixFileMode(path, mode);
        return path;
    }

    [Fact]
    public void A_password_file_loses_exactly_one_trailing_newline()
    {
        using var directory = new TemporaryDirectory();
        var path = WriteFile(directory.Path, "password", "pass word\n\n"u8.ToArray(), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        using var secret = new SecretFileSource(path, SecretKind.Password).TryRead(Password)!;

        Assert.Equal("pass word\n"u8.ToArray(), secret.ReadOnlySpan.ToArray());
    }

    [Fact]
    public void A_read_only_0400_password_file_is_accepted()
    {
        using var directory = new TemporaryDirectory();
        var path = WriteFile(directory.Path, "password", "secret"u8.ToArray(), UnixFileMode.UserRead);

        using var secret = new SecretFileSource(path, SecretKind.Password).TryRead(Password)!;

        Assert.Equal("secret"u8.ToArray(), secret.ReadOnlySpan.ToArray());
    }

    [Fact]
    public void A_password_file_readable_by_others_is_refused_with_the_chmod_that_fixes_it()
    {
        using var directory = new TemporaryDirectory();
        var path = WriteFile(directory.Path, "password", "secret"u8.ToArray(),
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var error = Assert.Throws<UnsafeFilePermissionsException>(() => new SecretFileSource(path, SecretKind.Password).TryRead(Password));

        Assert.Equal($"chmod 600 {path}", error.Fix);
        Assert.Contains("0644", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_source_answers_only_its_own_kind()
    {
        using var directory = new TemporaryDirectory();
        var path = WriteFile(directory.Path, "pin", "1234"u8.ToArray(), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Null(new SecretFileSource(path, SecretKind.Pin).TryRead(Password));
        using var pin = new SecretFileSource(path, SecretKind.Pin).TryRead(Pin)!;
        Assert.Equal("1234"u8.ToArray(), pin.ReadOnlySpan.ToArray());
    }

    [Fact]
    public void Systemd_credentials_are_read_from_the_credentials_directory()
    {
        using var directory = new TemporaryDirectory();
        WriteFile(directory.Path, "hsmwallet-password", "from systemd\n"u8.ToArray(), UnixFileMode.UserRead);
        WriteFile(directory.Path, "hsmwallet-pin", "4321"u8.ToArray(), UnixFileMode.UserRead);
        var source = SystemdCredentialSource.FromEnvironment(name => name == "CREDENTIALS_DIRECTORY" ? directory.Path : null);

        using var password = source.TryRead(Password)!;
        using var pin = source.TryRead(Pin)!;

        Assert.Equal("from systemd"u8.ToArray(), password.ReadOnlySpan.ToArray());
        Assert.Equal("4321"u8.ToArray(), pin.ReadOnlySpan.ToArray());
        Assert.Null(source.TryRead(new SecretRequest(SecretKind.RecoveryKey, "Recovery key")));
    }

    [Fact]
    public void Without_a_credentials_directory_systemd_gives_nothing()
    {
        Assert.Null(SystemdCredentialSource.FromEnvironment(_ => null).TryRead(Password));
    }

    [Fact]
    public void An_environment_password_is_accepted_with_a_warning_that_names_the_variable_only()
    {
        var warnings = new List<string>();
        var source = new EnvironmentSecretSource(warnings.Add, name => name == "HSMWALLET_PASSWORD" ? "env secret" : null);

        using var secret = source.TryRead(Password)!;

        Assert.Equal("env secret"u8.ToArray(), secret.ReadOnlySpan.ToArray());
        var warning = Assert.Single(warnings);
        Assert.Contains("$HSMWALLET_PASSWORD", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("env secret", warning, StringComparison.Ordinal);
        Assert.Null(source.TryRead(Pin));
    }

    [Fact]
    public void The_terminal_prompt_reads_utf8_without_echo_and_backspace_removes_a_whole_character()
    {
        var terminal = new ScriptedTerminal("pasx\x7fs \u00fc\u65e5\u672c\u672c\x7f\r");
        var shown = new StringWriter();
        var source = new TerminalSecretSource(terminal, shown);

        using var secret = source.TryRead(Password)!;

        Assert.Equal("pass \u00fc\u65e5\u672c"u8.ToArray(), secret.ReadOnlySpan.ToArray());
        Assert.Equal("Password for slot 1: " + Environment.NewLine, shown.ToString());
        Assert.Equal(0, terminal.ReadWhileShown);
        Assert.True(terminal.Restored);
    }

    [Fact]
    public void Ctrl_c_at_the_prompt_cancels_and_shows_the_terminal_again()
    {
        var terminal = new ScriptedTerminal("secr\u0003et\r");
        var source = new TerminalSecretSource(terminal, new StringWriter());

        Assert.Throws<OperationCanceledException>(() => source.TryRead(Password));

        Assert.True(terminal.Restored);
        Assert.Equal(3, terminal.Left);
    }

    [Fact]
    public void Arrow_keys_and_ctrl_u_type_nothing_into_the_secret()
    {
        var terminal = new ScriptedTerminal("wrong\u0015ri\u001b[Dght\u001bOA\r");
        var source = new TerminalSecretSource(terminal, new StringWriter());

        using var secret = source.TryRead(Password)!;

        Assert.Equal("right"u8.ToArray(), secret.ReadOnlySpan.ToArray());
    }

    [Fact]
    public void A_line_that_is_not_utf8_is_refused_naming_the_secret()
    {
        var terminal = new BytesTerminal([(byte)'a', 0xE9, (byte)'\r']);
        var source = new TerminalSecretSource(terminal, new StringWriter());

        var error = Assert.Throws<InvalidInputException>(() => source.TryRead(Pin));

        Assert.StartsWith("pin: is not UTF-8 text", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_secret_longer_than_the_limit_is_refused_not_cut()
    {
        var terminal = new ScriptedTerminal(new string('a', TerminalSecretSource.MaximumLength + 1) + "\r");
        var source = new TerminalSecretSource(terminal, new StringWriter());

        var error = Assert.Throws<InvalidInputException>(() => source.TryRead(Password));

        Assert.Equal($"password: is longer than {TerminalSecretSource.MaximumLength} bytes", error.Message);
        Assert.True(terminal.Restored);
    }

    [Fact]
    public void A_confirmed_prompt_asks_again_after_two_different_entries_and_gives_up_after_three_tries()
    {
        var terminal = new ScriptedTerminal(string.Concat(Enumerable.Repeat("first\rother\r", 3)));
        var shown = new StringWriter();
        var source = new TerminalSecretSource(terminal, shown);

        var error = Assert.Throws<InvalidInputException>(() => source.TryRead(Password with { Confirm = true }));

        Assert.Equal("password: the two entries differ (3 tries)", error.Message);
        Assert.Contains("the two entries differ; try again (2 of 3 tries left)", shown.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, terminal.Left);
    }

    [Fact]
    public void A_new_secret_shorter_than_the_rule_is_refused_before_its_repeat_is_asked()
    {
        var terminal = new ScriptedTerminal("short\rlong enough\rlong enough\r");
        var shown = new StringWriter();
        var source = new TerminalSecretSource(terminal, shown);

        using var secret = source.TryRead(Password with { Confirm = true, MinimumLength = 8 })!;

        Assert.Equal("long enough"u8.ToArray(), secret.ReadOnlySpan.ToArray());
        var screen = shown.ToString();
        Assert.True(screen.IndexOf("must be at least 8 bytes long; try again", StringComparison.Ordinal) < screen.IndexOf("Repeat", StringComparison.Ordinal), screen);
    }

    [Fact]
    public void An_empty_prompt_entry_means_skip()
    {
        Assert.Null(new TerminalSecretSource(new ScriptedTerminal("\r"), new StringWriter()).TryRead(Password));
    }

    [Fact]
    public void A_chain_without_prompts_never_asks_the_terminal()
    {
        var terminal = new ScriptedTerminal("\r");
        var chain = SecretSourceChain.ForHost(new SecretOptions { Terminal = new TerminalSecretSource(terminal, new StringWriter()), GetEnvironment = _ => null });

        Assert.True(chain.IsInteractive);
        Assert.Null(chain.WithoutPrompts().TryRead(Password));
        Assert.Equal(0, terminal.Reads);
        Assert.False(chain.WithoutPrompts().IsInteractive);
    }

    [Fact]
    public void The_host_chain_prefers_an_explicit_password_file_over_the_environment()
    {
        using var directory = new TemporaryDirectory();
        var path = WriteFile(directory.Path, "password", "from file"u8.ToArray(), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var chain = SecretSourceChain.ForHost(new SecretOptions
        {
            PasswordFile = path,
            AllowPrompt = false,
            GetEnvironment = name => name == "HSMWALLET_PASSWORD" ? "from env" : null,
        });

        using var secret = chain.TryRead(Password)!;

        Assert.Equal("from file"u8.ToArray(), secret.ReadOnlySpan.ToArray());
    }

    /// <summary>Raw bytes, for what a terminal in another encoding sends.</summary>
    private sealed class BytesTerminal(byte[] bytes) : HsmWallet.Core.Secrets.Terminal.ITerminal
    {
        private int _next;

        public bool IsInteractive => true;

        public IDisposable HideInput() => new MemoryStream();

        public int ReadByte() => _next < bytes.Length ? bytes[_next++] : -1;
    }
}
