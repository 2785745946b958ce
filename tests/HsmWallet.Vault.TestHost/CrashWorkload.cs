using System.Globalization;
using System.Text.Json.Nodes;
using HsmWallet.Core;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Ledger;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Signing;
using HsmWallet.Core.UseCases;
using HsmWallet.Core.Vault;
using HsmWallet.Hosting.Audit;
using HsmWallet.KeyProviders;
using HsmWallet.KeyProviders.KeyFile;

/// <summary>
/// The writer the crash-consistency harness kills (docs/testing.md): every kind of private-file write the wallet
/// makes, through the real use cases, in a loop, announcing on stdout each operation that returned. The harness sets
/// HSMWALLET_TEST_KILL_AT_WRITE_STEP so the process dies at one write step, then runs `crash-check`.
/// </summary>
internal static class CrashWorkload
{
    private const string Payer = "payer";
    private const string Destination = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe";
    private static readonly AuditActor Actor = new(AuditActorType.User, "crash-harness");

    /// <summary>`crash-setup HOME`: a key-file vault with its audit key and the paying wallet, written without faults.</summary>
    public static int Setup(string home)
    {
        var (vault, audit, _) = Open(home, run: 0);
        using (audit)
        {
            audit.CreateVault(new SecretSourceChain(), [new KeyFileKeyProvider(vault.Home.DefaultKeyFilePath)]);
            var operations = new WalletUseCases(vault, new WalletDirectory(vault), audit, new ApprovalStore(vault.Home), Unlock);
            var payer = operations.Create(Payer, "ed25519", "testnet", Context("wallet_create"));
            Console.WriteLine("payer " + payer.Address);
        }

        return 0;
    }

    /// <summary>
    /// `crash-work HOME RUN SEQUENCE`: first crash-check's report (what the last kill left), then rounds of a Payment
    /// signed (signing state, counters, audit log; Sequences from SEQUENCE on), a wallet added and the previous one
    /// deleted (vault), an approval created, approved and used (approval files), until killed (or 1,000 rounds).
    /// The clock runs RUN * 10 minutes ahead so the hourly limits see a plausible pace.
    /// </summary>
    public static async Task<int> WorkAsync(string home, int run, uint sequence)
    {
        // What the kill before this run left, as a restarted server finds it (crash-check's report), then the work.
        Say("check " + Report(home).ToJsonString());
        var (vault, audit, clock) = Open(home, run);
        using (audit)
        {
            var unlock = Unlock();
            var wallets = new WalletDirectory(vault);
            var signing = new TransactionSigningService(vault, wallets, LedgerNetwork.Testnet, audit, ledger: null, clock);
            var approvals = new ApprovalStore(vault.Home, clock);
            var operations = new WalletUseCases(vault, wallets, audit, approvals, Unlock, clock);
            var payer = wallets.Resolve(Payer, unlock);
            Say("ready " + clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));

            // Leftovers of killed runs go first once there are a few, so the vault stays small however many runs there were.
            var leftovers = wallets.List(unlock).Where(wallet => wallet.Name != Payer).ToList();
            foreach (var wallet in leftovers.Count > 3 ? leftovers : [])
            {
                Delete(operations, wallet.Name);
            }

            string? previous = null;
            for (var round = 0; round < 1000; round++)
            {
                // Each run pays a different amount: a Sequence an earlier run reserved or signed must be refused.
                var transaction = new JsonObject
                {
                    ["TransactionType"] = "Payment",
                    ["Account"] = payer.Address,
                    ["Destination"] = Destination,
                    ["Amount"] = (1000 + run).ToString(CultureInfo.InvariantCulture),
                    ["Fee"] = "12",
                    ["Sequence"] = sequence,
                    ["LastLedgerSequence"] = 100_000_000,
                };
                Say(string.Create(CultureInfo.InvariantCulture, $"signing {sequence}"));
                try
                {
                    var prepared = await signing.PrepareAsync(new SigningRequest(Payer, transaction, Autofill: false), unlock, CancellationToken.None).ConfigureAwait(false);
                    var result = signing.Sign(prepared, unlock, approval: null, Context("tx_sign"));
                    Say(string.Create(CultureInfo.InvariantCulture, $"signed {sequence} {result.Hash}"));
                }
                catch (InvalidInputException refusal) when (refusal.Field == "Sequence")
                {
                    Say(string.Create(CultureInfo.InvariantCulture, $"refused {sequence}"));
                }

                sequence++;

                var name = string.Create(CultureInfo.InvariantCulture, $"r{run}-{round}");
                operations.Create(name, "ed25519", "testnet", Context("wallet_create"));
                Say("wallet-added " + name);
                if (previous is not null)
                {
                    Delete(operations, previous);
                }

                previous = name;

                var binding = ApprovalBinding.For("crash", new JsonObject { ["run"] = run, ["round"] = round });
                var approval = approvals.Create(binding, new ApprovalSummary("crash harness", ["round " + round], [], []), TimeSpan.FromHours(1));
                Say("approval-created " + approval.Id);
                approvals.Approve(approval.Id);
                Say("approval-approved " + approval.Id);
                approvals.Redeem(approval.Id, binding);
                Say("approval-used " + approval.Id);
            }
        }

        return 0;
    }

    /// <summary>
    /// `ops HOME`: one operation per line of stdin, in one process (so a test sees whether a running server recovers),
    /// each answered on stdout by "ok DETAIL" or "error TYPE: MESSAGE" followed by the inner errors' messages:
    /// wallet-create NAME, wallet-delete NAME, approval, sign SEQUENCE, check (crash-check's report).
    /// </summary>
    public static async Task<int> OperationsAsync(string home)
    {
        var (vault, audit, clock) = Open(home, run: 0);
        using (audit)
        {
            var unlock = Unlock();
            var wallets = new WalletDirectory(vault);
            var signing = new TransactionSigningService(vault, wallets, LedgerNetwork.Testnet, audit, ledger: null, clock);
            var approvals = new ApprovalStore(vault.Home, clock);
            var operations = new WalletUseCases(vault, wallets, audit, approvals, Unlock, clock);
            (string Id, string Binding)? current = null;
            while (Console.ReadLine() is string line)
            {
                var words = line.Split(' ');
                try
                {
                    switch (words[0])
                    {
                        case "wallet-create":
                            Say("ok " + operations.Create(words[1], "ed25519", "testnet", Context("wallet_create")).Address);
                            break;
                        case "wallet-delete":
                            Say("ok " + operations.DeleteAsync(words[1], nameOnly: false, null, OperatorApprover.Instance, Context("wallet_delete")).GetAwaiter().GetResult().Name);
                            break;
                        case "approval":
                            // A retry goes on from where the request stands on disk, as an operator and an agent would.
                            if (current is null)
                            {
                                var binding = ApprovalBinding.For("disk", new JsonObject { ["line"] = Guid.NewGuid().ToString() });
                                current = (approvals.Create(binding, new ApprovalSummary("disk full", ["approval"], [], []), TimeSpan.FromHours(1)).Id, binding);
                            }

                            if (approvals.Get(current.Value.Id).State == ApprovalState.Pending)
                            {
                                approvals.Approve(current.Value.Id);
                            }

                            approvals.Redeem(current.Value.Id, current.Value.Binding);
                            Say("ok " + current.Value.Id);
                            current = null;
                            break;
                        case "sign":
                            var transaction = new JsonObject
                            {
                                ["TransactionType"] = "Payment",
                                ["Account"] = wallets.Resolve(Payer, unlock).Address,
                                ["Destination"] = Destination,
                                ["Amount"] = "1000",
                                ["Fee"] = "12",
                                ["Sequence"] = uint.Parse(words[1], CultureInfo.InvariantCulture),
                                ["LastLedgerSequence"] = 100_000_000,
                            };
                            var prepared = await signing.PrepareAsync(new SigningRequest(Payer, transaction, Autofill: false), unlock, CancellationToken.None).ConfigureAwait(false);
                            Say("ok " + signing.Sign(prepared, unlock, approval: null, Context("tx_sign")).Hash);
                            break;
                        case "check":
                            Say("ok " + Report(home).ToJsonString());
                            break;
                        default:
                            Say("error unknown operation " + words[0]);
                            break;
                    }
                }
                catch (Exception exception)
                {
                    var text = new System.Text.StringBuilder("error " + exception.GetType().Name + ": " + exception.Message);
                    for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
                    {
                        text.Append(" | " + inner.GetType().Name + ": " + inner.Message);
                    }

                    Say(text.ToString().ReplaceLineEndings(" "));
                }
            }
        }

        return 0;
    }

    /// <summary>
    /// `crash-check HOME`: opens everything the way a restarted server does, writes nothing, and prints one JSON line:
    /// the wallets, the audit verification and the signed hashes it records, the signing state, the counters and
    /// the approval records. A file that does not open is reported under "errors".
    /// </summary>
    public static int Check(string home)
    {
        Console.WriteLine(Report(home).ToJsonString());
        return 0;
    }

    private static JsonObject Report(string home)
    {
        var (vault, audit, _) = Open(home, run: 0);
        var errors = new JsonArray();
        var report = new JsonObject { ["errors"] = errors };
        using (audit)
        {
            var unlock = Unlock();
            Try(errors, "vault", () => report["wallets"] = new JsonArray([.. vault.ListWallets(unlock).Select(wallet => (JsonNode)wallet.Name)]));
            Try(errors, "audit", () =>
            {
                audit.EnsureOpen(unlock);
                var verification = audit.Verify();
                report["audit"] = verification.ToJson();
                if (!verification.Ok)
                {
                    errors.Add("audit: " + verification.ToJson().ToJsonString());
                }

                report["audit_signed"] = new JsonArray([.. AuditReader.ReadLast(vault.Home.AuditDirectory, AuditReader.MaxCount)
                    .Where(entry => entry.Operation.Name == "sign" && entry.Operation.Result == AuditResult.Success)
                    .Select(entry => (JsonNode)entry.Operation.Parameters["hash"]!.GetValue<string>())]);
            });
            Try(errors, "signing state", () =>
            {
                var path = SigningState.PathFor(home, "testnet");
                _ = SigningState.Load(path, audit.OpenStateSeal(unlock));
                report["signing"] = File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) : null;
            });
            Try(errors, "counters", () =>
            {
                var path = vault.Home.StateFile(SealedStateFile.CountersFileName);
                var counters = PolicyCounters.Load(path, audit.OpenStateSeal(unlock));
                if (counters.Problem is not null)
                {
                    throw new InvalidOperationException(counters.Problem);
                }

                report["counters"] = File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) : null;
            });
            Try(errors, "approvals", () =>
            {
                var records = new JsonObject();
                if (Directory.Exists(vault.Home.ApprovalsDirectory))
                {
                    foreach (var file in Directory.EnumerateFiles(vault.Home.ApprovalsDirectory, "apv_*.json"))
                    {
                        records[Path.GetFileNameWithoutExtension(file)] = JsonNode.Parse(File.ReadAllText(file));
                    }
                }

                report["approvals"] = records;
            });
        }

        return report;
    }

    private static void Delete(WalletUseCases operations, string name)
    {
        Say("wallet-deleting " + name);
        operations.DeleteAsync(name, nameOnly: false, null, OperatorApprover.Instance, Context("wallet_delete")).GetAwaiter().GetResult();
        Say("wallet-deleted " + name);
    }

    private static void Try(JsonArray errors, string part, Action check)
    {
        try
        {
            check();
        }
        catch (Exception exception)
        {
            errors.Add(part + ": " + exception.GetType().Name + ": " + exception.Message);
        }
    }

    private static (WalletVault Vault, AuditSession Audit, TimeProvider Clock) Open(string home, int run)
    {
        var clock = new AheadClock(TimeSpan.FromMinutes(10 * run));
        var vault = new WalletVault(WalletHome.At(home), StandardKeyProviders.CreateRegistry(), clock);
        var audit = new AuditSession(vault, anchor: null, new AuditWriterOptions { TimeProvider = clock }) { KeyCreationUnlock = Unlock };
        return (vault, audit, clock);
    }

    /// <summary>The operator of this workload approves every delete it asks for (the harness is the operator).</summary>
    private sealed class OperatorApprover : IApprover
    {
        public static OperatorApprover Instance { get; } = new();

        public Task<ApprovalGrant> ApproveAsync(ApprovalRequest request, OperationContext context) => Task.FromResult(new ApprovalGrant(request.Binding, "operator"));
    }

    private static UnlockOptions Unlock() => new(new SecretSourceChain(new KeyFileSecretSource()));

    private static OperationContext Context(string tool) => OperationContext.New(Actor, tool);

    // stdout is the harness's record of what returned: each line is flushed before the next write starts.
    private static void Say(string line)
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
    }

    private sealed class AheadClock(TimeSpan ahead) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + ahead;
    }
}
