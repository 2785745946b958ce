using System.Net;
using System.Text;
using HsmWallet.Cli.Tests.Support;
using HsmWallet.Core.Tests.Fixtures;
using HsmWallet.Core.Xrpl.Addresses;

namespace HsmWallet.Cli.Tests;

/// <summary>
/// `--name` means a name: no wallet can be named like an address, and no address given as --name reaches another
/// wallet. Errors that quote a ledger's words show its invisible characters as code points.
/// </summary>
public sealed class WalletNameCommandTests : IDisposable
{
    private readonly VaultHome _home = new();

    public WalletNameCommandTests() => _home.RunOk(null, "init", "--unlocker", "keyfile");

    public void Dispose() => _home.Dispose();

    private string[] Names() => [.. _home.RunOk(null, "wallet", "list")["wallets"]!.AsArray().Select(wallet => (string)wallet!["name"]!)];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Create_refuses_a_name_shaped_like_a_classic_or_x_address(bool xAddress)
    {
        var victim = (string)_home.RunOk(null, "wallet", "create", "--name", "victim")["address"]!;
        var name = xAddress ? new XAddress(AccountId.ParseClassic(victim, "address"), 7, IsTestNetwork: true).Encode() : victim;

        var result = _home.Run(null, "wallet", "create", "--name", name);

        Assert.Equal(2, result.ExitCode);
        var message = (string)VaultHome.Error(result)["message"]!;
        Assert.StartsWith("name:", message, StringComparison.Ordinal);
        Assert.Contains("address", message, StringComparison.Ordinal);
        Assert.Equal(["victim"], Names());
    }

    [Fact]
    public void Delete_with_another_wallets_address_as_name_deletes_nothing()
    {
        var victim = (string)_home.RunOk(null, "wallet", "create", "--name", "victim")["address"]!;
        _home.RunOk(null, "wallet", "create", "--name", "junk");

        var result = _home.Run(null, "wallet", "delete", "--name", victim, "--yes");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("name:", (string)VaultHome.Error(result)["message"]!, StringComparison.Ordinal);
        Assert.Equal(["victim", "junk"], Names());
        _home.RunOk(null, "wallet", "delete", "--name", "JUNK", "--yes");
        Assert.Equal(["victim"], Names());
    }

    [Fact]
    public void Export_with_an_address_as_name_is_refused()
    {
        var victim = (string)_home.RunOk(null, "wallet", "create", "--name", "victim")["address"]!;
        var password = _home.SecretFile("backup-password", "a long backup password");
        var output = Path.Combine(_home.Scratch, "victim.backup.json");

        var result = _home.Run(null, [.. new[] { "wallet", "export", "--name", victim, "--out", output, "--backup-password-file", password }, .. VaultHome.CheapKdf]);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("name:", (string)VaultHome.Error(result)["message"]!, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task A_ledger_error_message_with_a_line_separator_or_bidi_override_is_shown_visibly()
    {
        var port = RippledStandIn.FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var answering = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (HttpListenerException)
                {
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }

                var body = Encoding.UTF8.GetBytes("{\"result\":{\"status\":\"error\",\"error\":\"noNetwork\",\"error_message\":\"down\\u2028hsmwallet: all good\\u202Eevil\"}}");
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        });

        _home.RunOk(null, "wallet", "create", "--name", "main");
        var result = _home.Run(null, "wallet", "balance", "--wallet", "main", "--rpc-url", $"http://127.0.0.1:{port}/");
        listener.Stop();
        await answering;

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(-1, (result.Stderr + result.Stdout).AsSpan().IndexOfAny("\u2028\u202E"));
        Assert.Contains("down<U+2028>hsmwallet: all good<U+202E>evil", result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
