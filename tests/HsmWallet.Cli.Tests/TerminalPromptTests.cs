using HsmWallet.Cli.Tests.Support;

namespace HsmWallet.Cli.Tests;

/// <summary>
/// Secrets typed at a real pseudo-terminal: UTF-8 as typed, backspace over a multi-byte character, nothing echoed,
/// and the terminal's echo back on afterwards, also after Ctrl-C.
/// </summary>
public sealed class TerminalPromptTests : IDisposable
{
    private const string Password = "pässwörd-日本";
    private const string Delete = "\x7f";
    private readonly VaultHome _home = new();

    public void Dispose() => _home.Dispose();

    private static void AssertNothingShown(PseudoTerminal.Session session)
    {
        foreach (var part in new[] { "pässw", "wörd", "日本", "本" })
        {
            Assert.DoesNotContain(part, session.Screen, StringComparison.Ordinal);
        }

        Assert.True(session.EchoOnAfterwards, "the terminal was left without echo");
    }

    [Fact]
    public void A_utf8_password_typed_with_a_backspace_over_a_multi_byte_character_opens_the_vault_and_is_never_shown()
    {
        var file = _home.SecretFile("password", Password + "\n");
        _home.RunOk(null, ["init", "--unlocker", "password", "--password-file", file, .. VaultHome.CheapKdf]);

        var session = PseudoTerminal.Run([("Password for slot 1: ", Password + "本" + Delete + "\r")], "wallet", "list", "--home", _home.Home);

        Assert.True(session.ExitCode == 0, session.Screen);
        Assert.Contains("wallets", session.Screen, StringComparison.Ordinal);
        AssertNothingShown(session);
    }

    [Fact]
    public void A_utf8_password_chosen_at_the_terminal_is_stored_as_exactly_those_bytes()
    {
        var session = PseudoTerminal.Run(
            [("New password for slot 1: ", "pässwörd-日X" + Delete + "本\r"), ("Repeat new password for slot 1: ", Password + "\r")],
            ["init", "--unlocker", "password", "--home", _home.Home, .. VaultHome.CheapKdf]);

        Assert.True(session.ExitCode == 0, session.Screen);
        AssertNothingShown(session);
        var file = _home.SecretFile("password", Password + "\n");
        _home.RunOk(null, "wallet", "list", "--password-file", file);
        var wrong = _home.SecretFile("wrong", "pässwörd-日\n");
        Assert.Equal(1, _home.Run(null, "wallet", "list", "--password-file", wrong).ExitCode);
    }

    [Fact]
    public void Ctrl_c_at_the_prompt_cancels_and_leaves_the_terminal_echoing()
    {
        var file = _home.SecretFile("password", Password + "\n");
        _home.RunOk(null, ["init", "--unlocker", "password", "--password-file", file, .. VaultHome.CheapKdf]);

        var session = PseudoTerminal.Run([("Password for slot 1: ", "pässw\x03")], "wallet", "list", "--home", _home.Home);

        Assert.Equal(1, session.ExitCode);
        Assert.Contains("cancelled at the prompt", session.Screen, StringComparison.Ordinal);
        AssertNothingShown(session);
    }

    [Fact]
    public void Deleting_a_wallet_on_a_terminal_asks_and_only_a_typed_yes_deletes()
    {
        _home.RunOk(null, "init", "--unlocker", "keyfile");
        _home.RunOk(null, "wallet", "create", "--name", "spare");

        var declined = PseudoTerminal.Run([("Type yes: ", "no\r")], "wallet", "delete", "--name", "spare", "--home", _home.Home);
        Assert.Equal(1, declined.ExitCode);
        Assert.Single(_home.RunOk(null, "wallet", "list")["wallets"]!.AsArray());

        var confirmed = PseudoTerminal.Run([("Type yes: ", "yes\r")], "wallet", "delete", "--name", "spare", "--home", _home.Home);
        Assert.True(confirmed.ExitCode == 0, confirmed.Screen);
        Assert.Empty(_home.RunOk(null, "wallet", "list")["wallets"]!.AsArray());
    }
}
