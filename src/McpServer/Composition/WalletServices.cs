using HsmWallet.Core.Approvals;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Ledger;
using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Signing;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Vault;
using HsmWallet.Hosting.Audit;
using HsmWallet.McpServer.Approval;
using HsmWallet.McpServer.Pipeline;

namespace HsmWallet.McpServer.Composition;

/// <summary>
/// The composition root of one server process: the home, the vault bound to the unlockers, the audit session,
/// the ledger client and Core's use cases the tools call. Tools get this, never a key or an unlocker.
/// </summary>
public sealed class WalletServices : IDisposable
{
    private readonly KeyProviderRegistry _providers;

    /// <summary>Binds everything to <paramref name="options"/>; reads nothing yet (see <see cref="ZeroConfiguration"/>).</summary>
    public WalletServices(ServerOptions options, KeyProviderRegistry providers, TimeProvider? time = null, HttpMessageHandler? ledgerHandler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Time = time ?? TimeProvider.System;
        Home = WalletHome.At(options.HomePath);
        _providers = providers;
        Vault = new WalletVault(Home, providers, Time);
        Audit = new AuditSession(Vault, AuditAnchorChoice.ForSlots) { KeyCreationUnlock = Unlock };
        Ledger = new LedgerClient(options.Network, time: Time, handler: ledgerHandler);
        Wallets = new WalletDirectory(Vault);
        Signing = new TransactionSigningService(Vault, Wallets, options.Network, Audit, Ledger, Time);
        Operations = new WalletOperations(Vault, Wallets, Audit);
        Approvals = new ApprovalStore(Home, Time);
        Approval = new ApprovalCoordinator(Approvals);
    }

    /// <summary>Completes when the start-up (vault creation, first unlock) has run, successfully or not.</summary>
    public Task Ready { get; internal set; } = Task.CompletedTask;

    /// <summary>What the server was started with.</summary>
    public ServerOptions Options { get; }

    /// <summary>The clock (a fake one in tests of approval expiry).</summary>
    public TimeProvider Time { get; }

    /// <summary>The home folder.</summary>
    public WalletHome Home { get; }

    /// <summary>The vault; only Core's use cases and start-up touch it.</summary>
    internal WalletVault Vault { get; }

    /// <summary>The audit session, keyed by the first unlock.</summary>
    public AuditSession Audit { get; }

    /// <summary>The ledger client for the chosen network.</summary>
    public LedgerClient Ledger { get; }

    /// <summary>The public wallet list, cached from the unlocks; never a key.</summary>
    public WalletDirectory Wallets { get; }

    /// <summary>Core's one signing use case.</summary>
    public TransactionSigningService Signing { get; }

    /// <summary>Core's create, export and delete use cases.</summary>
    public WalletOperations Operations { get; }

    /// <summary>The pending approvals the operator answers with `hsmwallet approve`.</summary>
    public ApprovalStore Approvals { get; }

    /// <summary>How a human's approval is obtained (elicitation or the operator's store).</summary>
    public ApprovalCoordinator Approval { get; }

    /// <summary>Who the audit log says asked: the agent's client over MCP.</summary>
    public static AuditActor Actor { get; } = new(AuditActorType.User, "mcp-client");

    /// <summary>The audit and signing context of <paramref name="call"/>, asked by the agent's client.</summary>
    public static OperationContext Context(ToolCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return call.Operation(Actor);
    }

    /// <summary>The network's name (mainnet, testnet, devnet, custom).</summary>
    public string NetworkName => Options.Network.Name;

    /// <summary>
    /// How each operation unlocks: the files the server was started with, read afresh each time; never a prompt.
    /// Its successes never reset the failure count or lift a lockout: an agent can make the server unlock at will,
    /// and that must not buy anyone more password guesses (the operator lifts a lockout from the CLI).
    /// </summary>
    public UnlockOptions Unlock() => new(
        SecretSourceChain.ForHost(new SecretOptions
        {
            PasswordFile = Options.PasswordFile,
            PinFile = Options.PinFile,
            KeyFile = Options.KeyFile,
            RecoveryKeyFile = Options.RecoveryKeyFile,
            AllowPrompt = false,
        }),
        Options.Slot)
    {
        ResetsLockout = false,
    };

    /// <summary>The slot table, read without unlocking (for server_status).</summary>
    public IReadOnlyList<SlotInfo> Slots() => Vault.ListSlots();

    /// <summary>Until when unlocking is locked out after failures, or null.</summary>
    public DateTimeOffset? LockedUntil() => Vault.Lockout.LockedUntil();

    /// <summary>Each registered unlocker kind's health, checked now (devices can come and go).</summary>
    public IReadOnlyDictionary<string, bool> Health()
    {
        var result = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var (kind, health) in _providers.CheckHealth())
        {
            result[kind] = health.IsHealthy;
        }

        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Audit.Dispose();
        Ledger.Dispose();
    }
}
