using System.Text.Json.Nodes;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Signing;
using HsmWallet.Core.Tests.Unlocking;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.UseCases;
using HsmWallet.Core.Vault;

namespace HsmWallet.Core.Tests.Signing;

/// <summary>A vault with one fake slot, its audit log and the signing use case over them, in a private folder.</summary>
internal sealed class SigningHarness : IDisposable
{
    public const string Secret = "correct horse";

    private readonly TemporaryDirectory _directory = new();

    public SigningHarness(string slotKind = "fake", IAuditLog? audit = null, Core.Ledger.LedgerClient? ledger = null)
    {
        Provider = new FakeKeyProvider(slotKind);
        var registry = new KeyProviderRegistry();
        registry.Register(slotKind, () => Provider);
        Clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        Vault = new WalletVault(WalletHome.At(Path.Combine(_directory.Path, "home")), registry, Clock);
        Vault.Create(new FixedSecretSource(Secret), Provider);
        AuditKey = new byte[32];
        AuditKey[0] = 7;
        Writer = new AuditWriter(Vault.Home.AuditDirectory, AuditKey);
        Audit = audit ?? Writer;
        Wallets = new WalletDirectory(Vault);
        Signing = new TransactionSigningService(Vault, Wallets, Core.Ledger.LedgerNetwork.Testnet, Audit, ledger, Clock);
        Approvals = new Core.Approvals.ApprovalStore(Vault.Home, Clock);
        WalletUseCases = new WalletUseCases(Vault, Wallets, Audit, Approvals, () => Unlock, Clock);
        Transactions = new TransactionUseCases(Signing, ledger, () => Unlock);
    }

    public FakeKeyProvider Provider { get; }

    public ManualTimeProvider Clock { get; }

    public WalletVault Vault { get; }

    public byte[] AuditKey { get; }

    public AuditWriter Writer { get; }

    public IAuditLog Audit { get; }

    public WalletDirectory Wallets { get; }

    public TransactionSigningService Signing { get; }

    public Core.Approvals.ApprovalStore Approvals { get; }

    public WalletUseCases WalletUseCases { get; }

    public TransactionUseCases Transactions { get; }

    public static UnlockOptions Unlock => new(new FixedSecretSource(Secret));

    public static OperationContext Context => new("corr-1", new AuditActor(AuditActorType.User, "test"), "tx_sign");

    public WalletInfo CreateWallet(string name = "alice", string network = "testnet") =>
        WalletUseCases.Create(name, "ed25519", network, Context);

    public static JsonObject Payment(string account, string drops, string fee = "12", uint sequence = 5) => new()
    {
        ["TransactionType"] = "Payment",
        ["Account"] = account,
        ["Destination"] = "rPT1Sjq2YGrBMTttX4GZHjKu9dyfzbpAYe",
        ["Amount"] = drops,
        ["Fee"] = fee,
        ["Sequence"] = sequence,
    };

    public IReadOnlyList<JsonObject> AuditLines() =>
        [.. Directory.EnumerateFiles(Vault.Home.AuditDirectory, "*.jsonl").Order(StringComparer.Ordinal)
            .SelectMany(File.ReadAllLines).Select(line => JsonNode.Parse(line)!.AsObject())];

    public void Dispose()
    {
        Writer.Dispose();
        _directory.Dispose();
    }
}
