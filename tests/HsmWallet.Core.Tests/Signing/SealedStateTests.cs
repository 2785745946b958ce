using System.Text.Json.Nodes;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Signing;
using HsmWallet.Core.Vault;

namespace HsmWallet.Core.Tests.Signing;

/// <summary>
/// The counters and the signing state are sealed with a key from the vault and their generations recorded in the
/// audit head: each test restarts the signing service (a new writer over the same log, as a new process would), so
/// what catches the tampering is what is on disk, not what the first process remembers.
/// </summary>
public sealed class SealedStateTests : IDisposable
{
    private readonly SigningHarness _harness = new();
    private readonly List<AuditWriter> _writers = [];

    public SealedStateTests() => Wallet = _harness.CreateWallet();

    private WalletInfo Wallet { get; }

    private string CountersPath => Path.Combine(_harness.Vault.Home.StateDirectory, "policy-counters.json");

    private string SigningStatePath => Path.Combine(_harness.Vault.Home.StateDirectory, "signing-testnet.json");

    public void Dispose()
    {
        foreach (var writer in _writers)
        {
            writer.Dispose();
        }

        _harness.Dispose();
    }

    [Fact]
    public async Task After_a_normal_restart_signing_continues_and_the_state_files_are_sealed()
    {
        await Sign(_harness.Signing, sequence: 5);

        await Sign(Restarted(), sequence: 6);

        foreach (var path in new[] { CountersPath, SigningStatePath })
        {
            var envelope = JsonNode.Parse(File.ReadAllText(path))!;
            Assert.Equal(StateSeal.Kind, (string)envelope["kind"]!);
            Assert.Equal(2, (long)envelope["generation"]!);
        }
    }

    [Theory]
    [InlineData("deleted", "is missing")]
    [InlineData("edited", "failed its integrity check")]
    [InlineData("older", "is an older copy")]
    [InlineData("unsealed", "is not sealed")]
    public async Task A_tampered_counters_file_denies_signing_naming_the_file_and_the_recovery(string tampering, string problem)
    {
        var older = await SignTwiceKeepingTheFirstCopy(CountersPath);
        Tamper(CountersPath, tampering, older);
        var service = Restarted();

        var prepared = await Prepare(service, sequence: 7);
        var denied = Assert.Throws<PolicyDeniedException>(() => service.Sign(prepared, SigningHarness.Unlock, null, SigningHarness.Context));

        var reason = Assert.Single(denied.Reasons);
        Assert.Equal("policy_counters", reason.Rule);
        Assert.Contains("state/policy-counters.json", reason.Message, StringComparison.Ordinal);
        Assert.Contains(problem, reason.Message, StringComparison.Ordinal);
        Assert.Contains("hsmwallet state reseal", reason.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("deleted", "is missing")]
    [InlineData("edited", "failed its integrity check")]
    [InlineData("older", "is an older copy")]
    [InlineData("unsealed", "is not sealed")]
    public async Task A_tampered_signing_state_denies_signing_naming_the_file_and_the_recovery(string tampering, string problem)
    {
        var older = await SignTwiceKeepingTheFirstCopy(SigningStatePath);
        Tamper(SigningStatePath, tampering, older);
        var service = Restarted();
        // A rolled-back state forgot Sequence 6, so a second, different transaction for it must not be signed.
        var prepared = await Prepare(service, sequence: 6, amount: "2000000");

        var refused = Assert.Throws<InvalidInputException>(() => service.Sign(prepared, SigningHarness.Unlock, null, SigningHarness.Context));

        Assert.Equal("state/signing-testnet.json", refused.Field);
        Assert.Contains(problem, refused.Message, StringComparison.Ordinal);
        Assert.Contains("hsmwallet state reseal", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signing_state_copied_from_another_network_is_refused()
    {
        await Sign(_harness.Signing, sequence: 5);
        var mainnet = Path.Combine(_harness.Vault.Home.StateDirectory, "signing-mainnet.json");
        File.Copy(SigningStatePath, mainnet);
        _ = Restarted(out var writer);

        var refused = Assert.Throws<InvalidInputException>(() => SigningState.Load(mainnet, writer.StateSeal));

        Assert.Contains("is not sealed for this file", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_the_operator_reseals_signing_works_again_and_an_old_copy_stays_refused()
    {
        var older = await SignTwiceKeepingTheFirstCopy(CountersPath);
        File.Delete(CountersPath);
        var service = Restarted(out var writer);

        var resealed = SealedStateFile.Reseal(new HsmWallet.Core.State.FileStateStore(_harness.Vault.Home.Root), writer.StateSeal);
        writer.Append(new AuditEvent(AuditEventType.ConfigChange, "test", "corr-2", new AuditActor(AuditActorType.User, "test"), "state_reseal", null, AuditResult.Success));

        Assert.Contains(resealed, file => file.File == "policy-counters.json" && file.Found == "missing");
        await Sign(service, sequence: 7);
        File.WriteAllBytes(CountersPath, older);
        var denied = await Prepare(Restarted(), sequence: 8);
        Assert.Equal(PolicyDecisionKind.Deny, denied.Decision.Kind);
    }

    [Fact]
    public async Task Restoring_state_and_audit_together_is_caught_by_the_anchor_and_no_signature_is_returned()
    {
        var anchor = new InMemoryAuditAnchor(); // Stands in for the TPM NV counter of a vault with a TPM slot.
        var home = _harness.Vault.Home;
        var backup = Path.Combine(Path.GetDirectoryName(home.Root)!, "backup");
        await Sign(Restarted(anchor), sequence: 5);
        CopyFolder(home.StateDirectory, Path.Combine(backup, "state"));
        CopyFolder(home.AuditDirectory, Path.Combine(backup, "audit"));
        await Sign(Restarted(anchor), sequence: 6);
        foreach (var name in new[] { "state", "audit" })
        {
            Directory.Delete(Path.Combine(home.Root, name), recursive: true);
            CopyFolder(Path.Combine(backup, name), Path.Combine(home.Root, name));
        }

        var service = Restarted(anchor);
        var prepared = await Prepare(service, sequence: 6, amount: "2000000");
        SigningResult? result = null;

        var error = Assert.Throws<AuditWriteException>(() => result = service.Sign(prepared, SigningHarness.Unlock, null, SigningHarness.Context));
        Assert.Null(result);
        Assert.Contains("older than its anchor", error.Message, StringComparison.Ordinal);
    }

    private async Task<byte[]> SignTwiceKeepingTheFirstCopy(string path)
    {
        await Sign(_harness.Signing, sequence: 5);
        var first = File.ReadAllBytes(path);
        await Sign(_harness.Signing, sequence: 6);
        return first;
    }

    private static void Tamper(string path, string tampering, byte[] older)
    {
        switch (tampering)
        {
            case "deleted":
                File.Delete(path);
                break;
            case "older":
                File.WriteAllBytes(path, older);
                break;
            case "edited":
                var envelope = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
                var body = envelope["body"]!.AsObject();
                if (body["entries"] is JsonArray entries)
                {
                    entries.Clear(); // The day's spending forgotten.
                }
                else
                {
                    body["accounts"] = new JsonObject(); // Every reservation forgotten.
                }

                File.WriteAllText(path, envelope.ToJsonString());
                break;
            case "unsealed":
                File.WriteAllText(path, JsonNode.Parse(File.ReadAllText(path))!["body"]!.ToJsonString());
                break;
        }
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var file in Directory.GetFiles(from))
        {
            var copy = Path.Combine(to, Path.GetFileName(file));
            File.Copy(file, copy);
            File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private TransactionSigningService Restarted(IAuditAnchor? anchor = null) => Restarted(out _, anchor);

    private TransactionSigningService Restarted(out AuditWriter writer, IAuditAnchor? anchor = null)
    {
        writer = new AuditWriter(_harness.Vault.Home.AuditDirectory, _harness.AuditKey, new AuditWriterOptions { Anchor = anchor });
        _writers.Add(writer);
        return new TransactionSigningService(_harness.Vault, new WalletDirectory(_harness.Vault), Core.Ledger.LedgerNetwork.Testnet, writer, null, _harness.Clock);
    }

    private Task<PreparedSigning> Prepare(TransactionSigningService service, uint sequence, string amount = "1000000") =>
        service.PrepareAsync(new SigningRequest("alice", SigningHarness.Payment(Wallet.Address, amount, sequence: sequence), Autofill: false), SigningHarness.Unlock, CancellationToken.None);

    private async Task Sign(TransactionSigningService service, uint sequence)
    {
        var prepared = await Prepare(service, sequence);
        service.Sign(prepared, SigningHarness.Unlock, null, SigningHarness.Context);
    }
}
