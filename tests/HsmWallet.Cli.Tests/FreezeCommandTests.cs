using System.Security.Cryptography;
using HsmWallet.Cli.Tests.Support;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Vault;
using HsmWallet.KeyProviders;

namespace HsmWallet.Cli.Tests;

/// <summary>`hsmwallet freeze` and `unfreeze` as separate processes against one home.</summary>
public sealed class FreezeCommandTests : IDisposable
{
    private readonly VaultHome _home = new();

    public FreezeCommandTests() => _home.RunOk(null, "init", "--unlocker", "keyfile");

    public void Dispose() => _home.Dispose();

    [Fact]
    public void Freeze_shows_in_status_refuses_signing_and_export_with_code_frozen_and_unfreeze_yes_lifts_it()
    {
        var wallet = _home.RunOk(null, "wallet", "create", "--name", "ops");
        var payment = Path.Combine(_home.Scratch, "payment.json");
        File.WriteAllText(payment, $$"""{"TransactionType":"Payment","Account":"{{(string)wallet["address"]!}}","Destination":"rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe","Amount":"1000000","Fee":"12","Sequence":1}""");

        var frozen = _home.RunOk(null, "freeze", "--reason", "drill");
        var sign = _home.Run(null, "tx", "sign", "--wallet", "ops", "--tx", payment);
        var backupPassword = _home.SecretFile("backup-password", "a long backup password");
        var export = _home.Run(null, ["wallet", "export", "--name", "ops", "--out", Path.Combine(_home.Scratch, "ops.backup"), "--backup-password-file", backupPassword, "--yes", .. VaultHome.CheapKdf]);
        var scriptWithoutYes = _home.Run(null, "unfreeze");

        Assert.True((bool)frozen["vault_recorded"]!);
        Assert.Equal("drill", (string)_home.RunOk(null, "status")["frozen"]!["reason"]!);
        Assert.Equal(1, sign.ExitCode);
        Assert.Equal("frozen", (string)VaultHome.Error(sign)["code"]!);
        Assert.Equal("drill", (string)VaultHome.Error(sign)["frozen"]!["reason"]!);
        Assert.Equal(1, export.ExitCode);
        Assert.Equal("frozen", (string)VaultHome.Error(export)["code"]!);
        Assert.False(File.Exists(Path.Combine(_home.Scratch, "ops.backup")));
        Assert.Equal(2, scriptWithoutYes.ExitCode);
        Assert.Contains("--yes", scriptWithoutYes.Stderr, StringComparison.Ordinal);

        var lifted = _home.RunOk(null, "unfreeze", "--yes");

        Assert.True((bool)lifted["lifted"]!);
        Assert.Equal("operator", (string)lifted["approved_via"]!);
        Assert.False((bool)_home.RunOk(null, "status")["frozen"]!);
        _home.RunOk(null, "tx", "sign", "--wallet", "ops", "--tx", payment);
    }

    [Fact]
    public void With_an_enrolled_approver_unfreeze_yes_waits_for_the_passkey_and_without_it_lifts_nothing()
    {
        var vault = new WalletVault(WalletHome.At(_home.Home), StandardKeyProviders.CreateRegistry());
        new PasskeyApproverStore(vault, () => new UnlockOptions(new SecretSourceChain(new KeyFileSecretSource())))
            .Add(new EnrolledApprover("alice", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), RandomNumberGenerator.GetBytes(77), 0));
        _home.RunOk(null, "freeze");

        var unfreeze = _home.Run(null, "unfreeze", "--yes", "--wait", "1");

        Assert.Equal(1, unfreeze.ExitCode);
        Assert.Equal("approval_declined", (string)VaultHome.Error(unfreeze)["code"]!);
        Assert.Contains("http://localhost:", unfreeze.Stderr, StringComparison.Ordinal);
        Assert.IsType<System.Text.Json.Nodes.JsonObject>(_home.RunOk(null, "status")["frozen"]);
        Assert.True(File.Exists(Path.Combine(_home.Home, "state", "freeze.json")));
    }

    [Fact]
    public void A_reason_with_invisible_characters_is_bad_input_naming_the_flag()
    {
        var refused = _home.Run(null, "freeze", "--reason", "stop\u202Eevil");

        Assert.Equal(2, refused.ExitCode);
        Assert.StartsWith("--reason:", (string)VaultHome.Error(refused)["message"]!, StringComparison.Ordinal);
        Assert.False((bool)_home.RunOk(null, "status")["frozen"]!);
    }
}
