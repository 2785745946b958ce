using HsmWallet.Core.Approvals;
using HsmWallet.Core.Ledger;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Secrets.Sources;
using HsmWallet.Core.Signing;
using HsmWallet.Core.State;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.UseCases;
using HsmWallet.Core.Vault;
using HsmWallet.Hosting.Approvals;
using HsmWallet.Hosting.Audit;
using HsmWallet.KeyProviders;
using HsmWallet.KeyProviders.KeyFile;
using HsmWallet.KeyProviders.Pkcs11.OnToken;

namespace HsmWallet.Hosting.Application;

/// <summary>
/// One opened home, composed the same way for the CLI and the MCP server: the vault bound to the unlockers, the
/// audit session, the policy, the ledger client, the pending approvals, and the use cases over them. A front end
/// builds this and calls only it: it never names the vault, an unlocker or the signing service.
/// </summary>
public sealed class WalletApplication : IDisposable
{
    private readonly WalletVault _vault;
    private readonly RememberingSecretSource? _remembered;
    private readonly ISecretSource _secrets;
    private readonly ApplicationOptions _options;

    private WalletApplication(ApplicationOptions options)
    {
        _options = options;
        Home = WalletHome.At(options.Settings.HomePath);
        var providers = options.Providers ?? StandardKeyProviders.CreateRegistry();
        StateStore = options.StateStore ?? new FileStateStore(Home.Root);
        _vault = new WalletVault(Home, options.UnlockTimed is { } observe ? TimedKeyProviders.Wrap(providers, observe) : providers, options.Time, stateStore: StateStore);
        var chain = SecretSourceChain.ForHost(options.Secrets);
        _remembered = options.RemembersSecrets ? new RememberingSecretSource(chain) : null;
        _secrets = (ISecretSource?)_remembered ?? chain;
        // A shared store (several instances on one database) also keeps each instance's audit chain head, so a home put
        // back from an older copy or copied with its audit folder is refused; the home's files keep it in head.json only.
        var auditOptions = new Core.Audit.AuditWriterOptions { SharedHead = StateStore is FileStateStore ? null : new Core.Audit.SharedAuditHead(StateStore) };
        Audit = new AuditSession(_vault, AuditAnchorChoice.ForSlots, auditOptions) { KeyCreationUnlock = Unlock };
        Ledger = new LedgerClient(options.Settings.Network, time: options.Time, handler: options.LedgerHandler);
        var directory = new WalletDirectory(_vault);
        Approvals = new ApprovalStore(StateStore, options.Time);
        // The approvers read and write the vault's settings through a handle of their own, which no audit session follows.
        Approvers = new PasskeyApproverStore(new WalletVault(Home, _vault.Providers, options.Time, stateStore: StateStore), Unlock, options.Time);
        // The signing path's unlocks and writes keep the approval mode current without unlocks of their own.
        _vault.Unlocked += Approvers.Observe;
        _vault.Written += Approvers.Observe;
        Agents = new Agents.AgentRegistry(Home.Root, new WalletVault(Home, _vault.Providers, options.Time, stateStore: StateStore), Unlock, options.Time);
        _vault.Unlocked += Agents.Observe;
        _vault.Written += Agents.Observe;
        PasskeyVerifier = new Fido2Passkeys();
        ApprovalRules = new ApprovalRules(Approvers, PasskeyVerifier, options.ApprovalMode);
        // Keys on a token sign there; every other wallet's key is opened from the vault. Both through one signing path.
        var tokenSigner = new TokenWalletSigner(new Pkcs11TokenKeys(), _vault.Lockout);
        Wallets = new WalletUseCases(_vault, directory, Audit, Approvals, Unlock, options.Time, ApprovalRules, tokenSigner);
        OnToken = new OnTokenUseCases(_vault, Wallets, Unlock);
        Transactions = new TransactionUseCases(
            new TransactionSigningService(_vault, directory, options.Settings.Network, Audit, Ledger, options.Time, [tokenSigner, new VaultKeySigner()], StateStore, Agents), Ledger, Unlock, ApprovalRules);
        Freeze = new FreezeUseCases(_vault, Audit, Approvers, ApprovalRules, Unlock, options.Time);
        Status = new StatusUseCase(_vault, Freeze);
        Slots = new SlotUseCases(_vault, Audit, Unlock);
        Policy = new PolicyUseCases(_vault, Unlock);
    }

    /// <summary>Opens <paramref name="options"/>'s home: reads nothing yet (the first use case that needs the vault unlocks it).</summary>
    public static WalletApplication Open(ApplicationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new WalletApplication(options);
    }

    /// <summary>Where the signing state, counters, approvals and lockout live (the home's files, or a shared database).</summary>
    public IStateStore StateStore { get; }

    /// <summary>The home and the network this application runs against.</summary>
    public HostSettings Settings => _options.Settings;

    /// <summary>The network's name (mainnet, testnet, devnet, custom).</summary>
    public string NetworkName => _options.Settings.NetworkName;

    /// <summary>Who the audit log says asked through this front end.</summary>
    public Core.Audit.AuditActor Actor => _options.Actor;

    /// <summary>The network a new wallet is for when the caller names none: the chosen named network, testnet on a custom node.</summary>
    public string WalletNetwork => NetworkName is "mainnet" or "testnet" or "devnet" ? NetworkName : "testnet";

    /// <summary>The home folder.</summary>
    public WalletHome Home { get; }

    /// <summary>The audit session, keyed by the first unlock.</summary>
    public AuditSession Audit { get; }

    /// <summary>The ledger client for the chosen network (read tools and submission).</summary>
    public LedgerClient Ledger { get; }

    /// <summary>The pending approvals the operator answers with `hsmwallet approve`.</summary>
    public ApprovalStore Approvals { get; }

    /// <summary>The people whose passkeys approve operations (enrolled in the vault's authenticated settings).</summary>
    public PasskeyApproverStore Approvers { get; }

    /// <summary>The WebAuthn adapter that checks a passkey's assertions (the approval and enrolment pages use it too).</summary>
    public Fido2Passkeys PasskeyVerifier { get; }

    /// <summary>The agents let in over HTTP (their token hashes in agents.json, the file's hash recorded in the vault).</summary>
    public Agents.AgentRegistry Agents { get; }

    /// <summary>Core's rules for a grant (the mode in force, verified passkeys, quorum, delay), which the use cases apply.</summary>
    public ApprovalRules ApprovalRules { get; }

    /// <summary>An approver that serves an approval page, shows its address with <paramref name="showPage"/>, and waits up to <paramref name="wait"/> for people's passkeys.</summary>
    public PasskeyApprover PasskeyApprover(Func<Uri, CancellationToken, Task> showPage, TimeSpan? wait = null) => new(Approvals, ApprovalRules, showPage, wait, Freeze);

    /// <summary>List, resolve, create, import, export and delete.</summary>
    public WalletUseCases Wallets { get; }

    /// <summary>Wallets whose key is generated on a PKCS#11 token and never leaves it: creation and what the token offers.</summary>
    public OnTokenUseCases OnToken { get; }

    /// <summary>Policy check, sign and submit.</summary>
    public TransactionUseCases Transactions { get; }

    /// <summary>The operator's emergency stop: freeze, unfreeze (an approver's passkey when one is enrolled), and the freeze now.</summary>
    public FreezeUseCases Freeze { get; }

    /// <summary>Slots, unlocker health, lockout and freeze, read without a secret.</summary>
    public StatusUseCase Status { get; }

    /// <summary>Create the vault, add, remove and test slots, the wallet limit (the operator's administration).</summary>
    public SlotUseCases Slots { get; }

    /// <summary>Show and set the signing policy.</summary>
    public PolicyUseCases Policy { get; }

    /// <summary>
    /// After the operator checked the home by hand: accepts the audit log as it is and seals the state files again at
    /// their current content, recording that in the audit log under <paramref name="context"/>.
    /// </summary>
    public System.Text.Json.Nodes.JsonObject ResealState(OperationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return State.StateReseal.Run(StateStore, Audit, Unlock(), context.Actor, context.ToolName, context.CorrelationId);
    }

    /// <summary>The wallet's balance, reserve, available amount, sequence and ledger index, read from the ledger.</summary>
    public Task<AccountBalance> BalanceAsync(string wallet, CancellationToken cancellationToken) =>
        AccountBalance.ReadAsync(Ledger, WalletDirectory.AccountOf(Wallets.Resolve(wallet)), cancellationToken);

    /// <summary>
    /// How each operation unlocks: this front end's secret sources (remembered for one command, or read afresh for a
    /// server), the chosen slot, and whether success lifts a lockout.
    /// </summary>
    public UnlockOptions Unlock() => new(_secrets, _options.Slot) { ResetsLockout = _options.UnlockResetsLockout };

    /// <summary>The auditor's check of every passkey approval the audit log records, against the vault's approvers (retired ones included).</summary>
    public RecordedApprovalCheck VerifyRecordedApprovals() => RecordedApprovals.Check(Home.AuditDirectory, Approvers, PasskeyVerifier);

    /// <summary>True when the home holds a vault.</summary>
    public bool VaultExists => _vault.Exists;

    /// <summary>
    /// Creates the vault with one slot per unlocker in <paramref name="providers"/>, its audit key stored in the same
    /// write (each new secret typed once, from <paramref name="secrets"/>); refuses when a vault exists.
    /// </summary>
    public IReadOnlyList<SlotAdded> CreateVault(ISecretSource secrets, IReadOnlyList<IKeyProvider> providers) => Audit.CreateVault(secrets, providers);

    /// <summary>The zero-configuration vault: one key-file slot whose 0600 key file is created at <paramref name="keyFile"/>.</summary>
    public IReadOnlyList<SlotAdded> CreateKeyFileVault(string keyFile) => _vault.Create(new SecretSourceChain(), new KeyFileKeyProvider(keyFile));

    /// <summary>The start-up unlock: keys the audit session (creating its key on a vault that has none) and caches the public wallet list.</summary>
    public void OpenAudit() => Audit.EnsureOpen(Unlock());

    /// <inheritdoc />
    public void Dispose()
    {
        Audit.Dispose();
        Ledger.Dispose();
        _remembered?.Dispose();
    }
}
