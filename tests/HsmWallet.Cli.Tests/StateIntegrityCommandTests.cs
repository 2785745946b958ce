using System.Text.Json.Nodes;
using HsmWallet.Cli.Tests.Support;

namespace HsmWallet.Cli.Tests;

/// <summary>
/// State that can be reset, end to end through the CLI: deleted or rolled-back state files and a deleted audit log
/// stop signing with errors naming the file, `state reseal` is the operator's way back, and audit files open to
/// others are refused.
/// </summary>
public class StateIntegrityCommandTests
{
    private const string Account = "r9cZA1mLK5R5Am25ArfXFmqgNwjZgnfk59"; // request-sign.json's Account; the seed is its regular key

    private static VaultHome NewHomeWithWallet()
    {
        var home = new VaultHome();
        home.RunOk(null, "init", "--unlocker", "keyfile");
        home.RunOk(XrplFixtures.Secret + "\n", "wallet", "import", "--name", "main");
        return home;
    }

    private static string Request(VaultHome home, int sequence)
    {
        var request = JsonNode.Parse(File.ReadAllText(XrplFixtures.PathOf("request-sign.json")))!.AsObject();
        request["Sequence"] = sequence;
        var path = Path.Combine(home.Scratch, $"request-{sequence}.json");
        File.WriteAllText(path, request.ToJsonString());
        return path;
    }

    private static CliProcess.Result Sign(VaultHome home, int sequence) =>
        home.Run(null, "tx", "sign", "--wallet", "main", "--tx", Request(home, sequence), "--signer-account", Account, "--approve");

    private static void AssertSigned(CliProcess.Result result) => Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);

    [Fact]
    public async Task State_reseal_waits_for_a_signature_in_flight_on_any_account_before_it_accepts_the_audit_log()
    {
        using var home = NewHomeWithWallet();
        AssertSigned(Sign(home, 23));
        var store = new HsmWallet.Core.State.FileStateStore(home.Home);
        var scope = HsmWallet.Core.Signing.TransactionSigningService.SigningScopeFor(HsmWallet.Core.Xrpl.Addresses.AccountId.ParseClassic(Account, "account"));
        using var holding = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var signer = Task.Run(() => store.Exclusive(scope, _ =>
        {
            holding.Set();
            release.Wait(TimeSpan.FromMinutes(1));
            return 0;
        }));
        Assert.True(holding.Wait(TimeSpan.FromSeconds(30)));

        var reseal = Task.Run(() => home.Run(null, "state", "reseal"));
        var finishedWhileHeld = await Task.WhenAny(reseal, Task.Delay(TimeSpan.FromSeconds(3))) == reseal;
        release.Set();
        await signer.WaitAsync(TimeSpan.FromSeconds(30));
        var result = await reseal.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.False(finishedWhileHeld, "state reseal ran beside a signature holding its account's scope");
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
    }

    [Fact]
    public void A_deleted_counters_file_denies_tx_sign_until_the_operator_reseals_and_a_restart_alone_signs_fine()
    {
        using var home = NewHomeWithWallet();
        AssertSigned(Sign(home, 23));
        AssertSigned(Sign(home, 24)); // A new process each time: a normal restart signs.
        File.Delete(Path.Combine(home.Home, "state", "policy-counters.json"));

        var denied = Sign(home, 25);
        var resealed = home.RunOk(null, "state", "reseal");
        var after = Sign(home, 25);

        Assert.Equal(1, denied.ExitCode);
        var error = VaultHome.Error(denied);
        Assert.Equal("policy_denied", (string)error["code"]!);
        var reason = (string)error["reasons"]![0]!["message"]!;
        Assert.Contains("state/policy-counters.json", reason, StringComparison.Ordinal);
        Assert.Contains("hsmwallet state reseal", reason, StringComparison.Ordinal);
        Assert.Contains(resealed["files"]!.AsArray(), file => (string)file!["file"]! == "policy-counters.json" && (string)file["found"]! == "missing");
        AssertSigned(after);
        Assert.True((bool)home.RunOk(null, "audit", "verify")["ok"]!);
    }

    [Fact]
    public void An_older_copy_of_the_signing_state_denies_tx_sign_naming_the_file()
    {
        using var home = NewHomeWithWallet();
        var state = Path.Combine(home.Home, "state", "signing-testnet.json");
        AssertSigned(Sign(home, 23));
        var older = File.ReadAllBytes(state);
        AssertSigned(Sign(home, 24));
        File.WriteAllBytes(state, older);

        var refused = Sign(home, 25);

        Assert.Equal(2, refused.ExitCode);
        var message = (string)VaultHome.Error(refused)["message"]!;
        Assert.Contains("state/signing-testnet.json", message, StringComparison.Ordinal);
        Assert.Contains("older copy", message, StringComparison.Ordinal);
        Assert.DoesNotContain("tx_blob", refused.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fresh_vault_verifies_and_deleting_its_log_right_after_init_is_reported_as_missing()
    {
        using var home = new VaultHome();
        home.RunOk(null, "init", "--unlocker", "keyfile");
        var fresh = home.RunOk(null, "audit", "verify");
        Directory.Delete(Path.Combine(home.Home, "audit"), recursive: true);

        var verified = home.Run(null, "audit", "verify");

        Assert.True((bool)fresh["ok"]!);
        Assert.Equal(1, verified.ExitCode);
        var result = JsonNode.Parse(verified.Stdout)!;
        Assert.False((bool)result["ok"]!);
        Assert.Equal("missing", (string)result["problem"]!);
        Assert.Contains("missing", verified.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deleted_audit_log_stops_signing_until_the_operator_accepts_the_log_as_it_is()
    {
        using var home = NewHomeWithWallet();
        AssertSigned(Sign(home, 23));
        Directory.Delete(Path.Combine(home.Home, "audit"), recursive: true);

        var refused = Sign(home, 24);
        var missing = home.Run(null, "audit", "verify");
        var resealed = home.RunOk(null, "state", "reseal");
        var after = Sign(home, 24);

        Assert.NotEqual(0, refused.ExitCode);
        Assert.DoesNotContain("tx_blob", refused.Stdout, StringComparison.Ordinal);
        Assert.Equal("missing", (string)JsonNode.Parse(missing.Stdout)!["problem"]!);
        Assert.Equal(0, (long)resealed["audit_sequence"]!);
        AssertSigned(after);
        Assert.True((bool)home.RunOk(null, "audit", "verify")["ok"]!);
    }

    [Fact]
    public void An_audit_log_others_can_read_stops_the_next_operation_with_the_chmod_fix()
    {
        using var home = NewHomeWithWallet();
        var log = Path.Combine(home.Home, "audit", "audit-000001.jsonl");
        File.SetUnixFileMode(log, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var created = CliProcess.Run(null, "wallet", "create", "--name", "second", "--home", home.Home);
        var verified = home.Run(null, "audit", "verify");

        Assert.Equal(1, created.ExitCode);
        Assert.Contains($"chmod 600 {log}", created.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, verified.ExitCode);
        Assert.Contains("chmod 600", (string)VaultHome.Error(verified)["message"]!, StringComparison.Ordinal);
        Assert.Single(home.RunOk(null, "wallet", "list")["wallets"]!.AsArray());
    }
}
