using System.Text.Json.Nodes;
using HsmWallet.Core.Approvals;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Ledger;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Policy.Effects;
using HsmWallet.Core.State;
using HsmWallet.Core.Vault;
using HsmWallet.Core.Xrpl.Addresses;
using HsmWallet.Core.Xrpl.Codec;
using HsmWallet.Core.Xrpl.Hashing;
using HsmWallet.Core.Xrpl.Transactions;

namespace HsmWallet.Core.Signing;

/// <summary>
/// The one path every signature takes, for the CLI and the MCP server alike: prepare (wallet, autofill, policy;
/// no key), then sign holding the state store's signing lock (across processes, and across instances when the
/// store is shared): the policy again, the approval, the signing-state reservation, ONE unlock that decrypts one
/// record and signs, every buffer zeroed, the counters, and the audit entry fsynced before the blob is returned
/// (with a database store the reservation and the counters are one commit, made before the blob is returned). Any failure on the way returns no signature. A freeze (see
/// <see cref="WalletFreeze"/>) refuses before any key is opened or any Sequence reserved.
/// </summary>
public sealed class TransactionSigningService
{
    /// <summary>How many signing scopes accounts are spread over: a fixed number of locks (and lock files) however many accounts an agent names.</summary>
    public const int SigningStripes = 256;

    /// <summary>The prefix of the signing scopes: signatures hold their account's (<see cref="SigningScopeFor"/>), the operator's recovery all of them (<see cref="AllSigningScopes"/>).</summary>
    public const string SigningScope = "state/signing";

    private readonly WalletVault _vault;
    private readonly WalletDirectory _wallets;
    private readonly LedgerNetwork _network;
    private readonly IAuditLog _audit;
    private readonly LedgerClient? _ledger;
    private readonly TimeProvider _time;
    private readonly TrustedPolicy _policy;
    private readonly WalletFreeze _freeze;
    private readonly IReadOnlyList<IWalletSigner> _signers;
    private readonly IStateStore _store;
    private readonly IAgentPolicySource? _agentPolicies;
    // In-process gates, one per signing stripe: a fixed number, so no account an agent names (signing_for) grows anything.
    private readonly Lock[] _gates = [.. Enumerable.Range(0, SigningStripes).Select(_ => new Lock())];

    /// <summary>
    /// Binds the vault, its wallet list, the network, the audit log, (for autofill) a ledger client, and the signers
    /// wallets' keys are opened with (the vault-held key when none are given; a host adds a token signer), and the
    /// state store the limits live in (the home's files when none is given), and where agents' own policy sections are
    /// found (none: a signature asked by an agent is denied, as its section cannot be checked).
    /// </summary>
    public TransactionSigningService(WalletVault vault, WalletDirectory wallets, LedgerNetwork network, IAuditLog audit, LedgerClient? ledger = null, TimeProvider? time = null, IReadOnlyList<IWalletSigner>? signers = null, IStateStore? store = null, IAgentPolicySource? agentPolicies = null)
    {
        ArgumentNullException.ThrowIfNull(vault);
        ArgumentNullException.ThrowIfNull(wallets);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(audit);
        _vault = vault;
        _wallets = wallets;
        _network = network;
        _audit = audit;
        _ledger = ledger;
        _time = time ?? TimeProvider.System;
        _policy = new TrustedPolicy(vault);
        _freeze = new WalletFreeze(vault);
        _signers = signers is { Count: > 0 } ? signers : [new VaultKeySigner()];
        _store = store ?? new FileStateStore(vault.Home.Root);
        _agentPolicies = agentPolicies;
    }

    /// <summary>The network transactions are prepared for.</summary>
    public string Network => _network.Name;

    /// <summary>
    /// Resolves the wallet, fills the transaction from the ledger when asked, and asks the policy; touches no key.
    /// Throws <see cref="InvalidInputException"/> naming the field for a bad request.
    /// </summary>
    public async Task<PreparedSigning> PrepareAsync(SigningRequest request, UnlockOptions unlock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Transaction);
        var wallet = _wallets.Resolve(request.Wallet, unlock);
        if (_network.Name != "custom" && wallet.Network != _network.Name)
        {
            throw new InvalidInputException("wallet", $"belongs to {wallet.Network}, not to {_network.Name}: choose its network (network)");
        }

        var account = request.SigningFor ?? WalletDirectory.AccountOf(wallet);
        var transaction = TransactionNormalizer.Normalize(request.Transaction, _network.Name);
        var policy = _policy.Load(unlock);
        var agent = AgentFor(request.Agent);
        if (!request.Multisign)
        {
            CheckAccount(transaction, account);
        }

        IReadOnlyList<string> warnings = [];
        if (request.Autofill)
        {
            if (_ledger is null)
            {
                throw new InvalidInputException("autofill", "needs a ledger connection (network or rpc_url)");
            }

            if (request.Multisign)
            {
                throw new InvalidInputException("autofill", "is not available for a multisignature: fill the transaction first");
            }

            // The lower of the two sections' max_fee, so autofill picks no Fee the agent's own section would deny.
            var maxFee = Lower(policy.Document?.RulesFor(_network.Name, account)?.MaxFeeDrops, agent?.Section?.Document?.RulesFor(_network.Name, account)?.MaxFeeDrops);
            var autofiller = new TransactionAutofiller(_ledger, LoadSigningState(unlock));
            var filled = await autofiller.AutofillWithWarningsAsync(transaction, account, maxFee, cancellationToken).ConfigureAwait(false);
            transaction = filled.Transaction;
            warnings = filled.Warnings;
        }

        // What the codec cannot encode is bad input, named by its field, before any policy reads it: a mistyped
        // address checksum is the operator's or agent's mistake to fix, not a policy decision.
        _ = XrplBinaryCodec.EncodeForSigning(transaction);

        // The ledger objects the transaction draws from are read once, here: the decision now, the decision under the
        // signing lock and the counters all use this reading, so no second lookup can answer differently.
        var readings = await LedgerObjectReader.ReadAsync(_ledger, transaction, cancellationToken).ConfigureAwait(false);
        var decision = Evaluate(policy, account, transaction, readings, unlock, agent);
        // The approval covers what will be signed, as the human saw it, except the two fields a retry refreshes
        // (Sequence: guarded by the signing state; LastLedgerSequence: a deadline). A different Fee needs a new approval.
        var bound = (JsonObject)transaction.DeepClone();
        bound.Remove("Sequence");
        bound.Remove("LastLedgerSequence");
        var subject = new JsonObject
        {
            ["network"] = _network.Name,
            ["wallet"] = wallet.Address,
            ["multisign"] = request.Multisign,
            ["signing_for"] = request.SigningFor?.ToClassicAddress(),
            ["transaction"] = bound,
            // What the ledger objects said when the human looked: a changed reading needs a new approval.
            ["ledger_objects"] = new JsonArray([.. (decision.Effects?.Flatten() ?? []).SelectMany(reading => reading.ReferencedObjects)
                .Select(item => (JsonNode)new JsonObject { ["field"] = item.Field, ["id"] = item.Id, ["description"] = item.Description, ["problem"] = item.Problem })]),
        };
        if (request.Agent is not null)
        {
            // An approval asked for one agent (under its section's reasons) is not redeemable by another agent.
            subject["agent"] = request.Agent;
        }

        var binding = ApprovalBinding.For("tx_sign", subject);
        var summary = TransactionDescription.Describe(transaction, _network.Name, wallet.Name, decision);
        return new PreparedSigning(wallet, _network.Name, transaction, request.Multisign, request.SigningFor, decision, binding, summary)
        {
            Readings = readings,
            Warnings = warnings,
            Agent = request.Agent,
        };
    }

    /// <summary>
    /// Signs <paramref name="prepared"/>: the policy is evaluated again under the signing lock (Deny throws
    /// <see cref="PolicyDeniedException"/>; Approve without a grant for this exact binding throws
    /// <see cref="ApprovalRequiredException"/>), then the vault is unlocked once for the signature. The audit entry
    /// is written before the result is returned; if it cannot be written, no signature is returned. A frozen wallet
    /// throws <see cref="WalletFrozenException"/> (checked under the lock, and with the signing unlock's own vault record
    /// before the Sequence is reserved and the key opened; the caller checks before asking a human).
    /// </summary>
    public SigningResult Sign(PreparedSigning prepared, UnlockOptions unlock, ApprovalGrant? approval, OperationContext context)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(context);
        if (!string.Equals(prepared.Agent, context.Agent, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("a signature was prepared for one agent and signed for another");
        }

        var account = prepared.SigningFor ?? WalletDirectory.AccountOf(prepared.Wallet);
        // Either side being mainnet (the server's network, or the wallet's on a custom URL) needs a strong slot.
        MainnetSlotRule.Check(_vault, prepared.Network == "mainnet" ? prepared.Network : prepared.Wallet.Network, "network");
        // One signature at a time per account, in this process and across every process and instance sharing the store:
        // the account's Sequences and its counters are read and advanced by one signer at a time; accounts in other stripes go on.
        lock (_gates[StripeOf(account)])
        {
            return _store.Exclusive(SigningScopeFor(account), _ => SignHoldingLock(prepared, unlock, approval, context, account));
        }
    }

    private SigningResult SignHoldingLock(PreparedSigning prepared, UnlockOptions unlock, ApprovalGrant? approval, OperationContext context, AccountId account)
    {
        // A freeze made while this call waited for the lock stops it here.
        RefuseIfFrozen(prepared, context);
        var counters = PolicyCounters.ForDecision(_store, _audit.OpenStateSeal(unlock));
        var engine = new PolicyEngine(_policy.LoadWithoutUnlock(), counters, _time) { Agent = AgentFor(prepared.Agent) };
        var decision = engine.Evaluate(prepared.Network, account, prepared.Transaction, prepared.Readings);
        Authorize(decision, prepared, approval, context);

        var signingState = prepared.Multisign ? null : LoadSigningState(unlock);
        var result = _vault.Read(unlock, vault =>
        {
            // The unlock just re-read the recorded policy hash: a policy changed behind our back denies here.
            Authorize(new PolicyEngine(_policy.LoadWithoutUnlock(), counters, _time) { Agent = AgentFor(prepared.Agent) }.Evaluate(prepared.Network, account, prepared.Transaction, prepared.Readings), prepared, approval, context);

            // The vault's own freeze record, read by this very unlock: a deleted marker file does not lift a freeze.
            // Only then is the Sequence reserved, so a refused signature leaves nothing reserved.
            RefuseIfFrozen(_freeze.Current(vault), prepared, context);

            // The record as this unlock reads it, not as the preparation listed it: where the key lives comes from
            // the authenticated vault under the signing lock.
            var wallet = vault.FindWallet(prepared.Wallet.Address);
            var signer = _signers.FirstOrDefault(candidate => candidate.Signs(wallet))
                ?? throw new InvalidInputException("wallet", wallet.IsOnToken
                    ? $"its key lives on the {wallet.Token!.TokenDescription} and this host has no signer for {wallet.Token.Kind} tokens"
                    : "no signer of this host opens its key");
            signingState?.Reserve(account, prepared.Transaction);
            return signer.WithSigner(wallet, vault, unlock, key =>
            {
                if (prepared.Multisign)
                {
                    var share = TransactionSigner.SignAsMultisigner(prepared.Transaction, key, prepared.SigningFor);
                    return new SigningResult(share.TxBlob, TransactionHash.Compute(Convert.FromHexString(share.TxBlob)), decision, share.Signer);
                }

                var signed = TransactionSigner.Sign(prepared.Transaction, key, prepared.SigningFor);
                return new SigningResult(signed.TxBlob, signed.Hash, decision);
            });
        });
        engine.RecordSigned(prepared.Network, account, prepared.Transaction, prepared.Readings);
        var parameters = AuditSanitizer.SummarizeTransaction(prepared.Transaction);
        if (decision.Effects is { } effects)
        {
            parameters["effects"] = AuditSanitizer.Sanitize(effects.ToJson());
        }

        parameters["hash"] = result.Hash;
        parameters["network"] = prepared.Network;
        parameters["decision"] = decision.Kind.ToString().ToLowerInvariant();
        parameters["policy"] = Sections(decision);
        if (approval is not null)
        {
            parameters["approved_via"] = approval.Via;
            if (approval.Passkeys.Count > 0)
            {
                // What an auditor needs to check each approver's signature later: the binding, and each assertion with its nonce.
                parameters["approval_binding"] = prepared.ApprovalBinding;
                parameters["approvers"] = new JsonArray([.. approval.Passkeys.Select(passkey => (JsonNode)passkey.Approver)]);
                parameters["assertions"] = new JsonArray([.. approval.Passkeys.Select(passkey => (JsonNode)passkey.Assertion.ToAudit(passkey.Approver))]);
            }
        }

        _audit.Append(new AuditEvent(
            AuditEventType.TransactionSign, context.ToolName, context.CorrelationId, context.Actor, "sign", parameters, AuditResult.Success));
        return result;
    }

    /// <summary>
    /// The state store scope a signature for <paramref name="account"/> holds from its last policy check to its audit
    /// entry: the account's stripe of <see cref="SigningStripes"/>, so one account's limits (kept per wallet) and
    /// Sequences advance one signer at a time while most other accounts sign in parallel, and the number of scopes
    /// stays fixed whatever accounts a multisignature names.
    /// </summary>
    public static string SigningScopeFor(AccountId account) =>
        SigningScope + "-" + StripeOf(account).ToString("x2", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Every scope a signature may hold, in one order: what the operator's recovery holds so no signature on any instance runs beside it.</summary>
    public static IReadOnlyList<string> AllSigningScopes() =>
        [.. Enumerable.Range(0, SigningStripes).Select(stripe => SigningScope + "-" + stripe.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))];

    private static int StripeOf(AccountId account) => account.Bytes[0] % SigningStripes;

    /// <summary>The policy's decision for a transaction as it stands (policy_check), without signing anything.</summary>
    public async Task<PolicyDecision> CheckAsync(string wallet, JsonObject transaction, UnlockOptions unlock, CancellationToken cancellationToken, string? agent = null)
    {
        var prepared = await PrepareAsync(new SigningRequest(wallet, transaction, Autofill: false) { Agent = agent }, unlock, cancellationToken).ConfigureAwait(false);
        return prepared.Decision;
    }

    private PolicyDecision Evaluate(PolicyFile policy, AccountId account, JsonObject transaction, LedgerReadings readings, UnlockOptions unlock, AgentPolicy? agent)
    {
        var counters = PolicyCounters.ForDecision(_store, _audit.OpenStateSeal(unlock));
        return new PolicyEngine(policy, counters, _time) { Agent = agent }.Evaluate(_network.Name, account, transaction, readings);
    }

    /// <summary>
    /// The agent <paramref name="agent"/> with its policy section as the host's agent list has it now (null: no agent); a
    /// list or section that cannot be read, or no list on this host, gives a section that denies, never none.
    /// </summary>
    private AgentPolicy? AgentFor(string? agent)
    {
        if (agent is null)
        {
            return null;
        }

        if (_agentPolicies is null)
        {
            return new AgentPolicy(agent, PolicyFile.Untrusted($"agent {agent}'s policy section cannot be looked up on this host (no agent list)"));
        }

        try
        {
            return new AgentPolicy(agent, _agentPolicies.SectionOf(agent));
        }
        catch (InvalidInputException error)
        {
            return new AgentPolicy(agent, PolicyFile.Untrusted($"agent {agent}'s policy section cannot be trusted: {error.Message}"));
        }
    }

    private static ulong? Lower(ulong? home, ulong? agent) => home is null ? agent : agent is null ? home : Math.Min(home.Value, agent.Value);

    private static JsonArray Sections(PolicyDecision decision) => new([.. decision.Sections.Select(section => (JsonNode)section)]);

    // Both state documents are sealed with a key from the vault and anchored in the audit head (SealedStateFile).
    private SigningState LoadSigningState(UnlockOptions unlock) =>
        SigningState.Load(_store, SigningState.DocumentFor(_network.Name), _audit.OpenStateSeal(unlock), _time);

    private static void CheckAccount(JsonObject transaction, AccountId account)
    {
        if (transaction["Account"] is null)
        {
            transaction["Account"] = account.ToClassicAddress();
            return;
        }

        var given = transaction["Account"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
        if (given is null || AccountId.ParseClassic(given, "Account") != account)
        {
            throw new InvalidInputException("Account", "must be the signing wallet's account");
        }
    }

    /// <summary>
    /// The one place a decision becomes permission: Deny refuses with every reason; Approve refuses unless
    /// <paramref name="approval"/> is a grant for exactly this signing data; Allow passes. Each refusal is audited.
    /// </summary>
    private void Authorize(PolicyDecision decision, PreparedSigning prepared, ApprovalGrant? approval, OperationContext context)
    {
        if (decision.Kind == PolicyDecisionKind.Deny)
        {
            RecordRefusal(prepared, context, "policy_denied", decision);
            throw new PolicyDeniedException(decision.Reasons);
        }

        if (decision.Kind is PolicyDecisionKind.Approve or PolicyDecisionKind.Delay && !ApprovalGate.Matches(approval, prepared.ApprovalBinding))
        {
            RecordRefusal(prepared, context, "approval_required", decision);
            throw new ApprovalRequiredException(decision);
        }

        // Defence in depth behind ApprovalRules: a quorum counts distinct verified approvers, and a delay grant stands in for nothing more than a delay.
        if (decision.Kind == PolicyDecisionKind.Approve && approval is not null
            && (approval.Passkeys.Select(passkey => passkey.Approver).Distinct(StringComparer.Ordinal).Count() < decision.Quorum && decision.Quorum > 1
                || string.Equals(approval.Via, ApprovalGrant.ViaDelay, StringComparison.Ordinal)))
        {
            RecordRefusal(prepared, context, "approval_required", decision);
            throw new ApprovalRequiredException(decision);
        }
    }

    /// <summary>
    /// Refuses (audited, code "frozen") when the wallet is frozen, as far as known without unlocking: the marker file,
    /// and the vault's record as the last unlock saw it. Called before a human is asked to approve, and again on signing.
    /// </summary>
    public void RefuseIfFrozen(PreparedSigning prepared, OperationContext context) => RefuseIfFrozen(_freeze.Current(), prepared, context);

    private void RefuseIfFrozen(FreezeState state, PreparedSigning prepared, OperationContext context)
    {
        if (state.IsFrozen)
        {
            RecordRefusal(prepared, context, WalletFrozenException.Code);
            throw new WalletFrozenException(state);
        }
    }

    /// <summary>Audits a signature refused before any key was touched (the policy, or an approval that was not given), with its code.</summary>
    public void RecordRefusal(PreparedSigning prepared, OperationContext context, string code) => RecordRefusal(prepared, context, code, null);

    private void RecordRefusal(PreparedSigning prepared, OperationContext context, string code, PolicyDecision? decision)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(context);
        var parameters = AuditSanitizer.SummarizeTransaction(prepared.Transaction);
        parameters["network"] = prepared.Network;
        parameters["policy"] = Sections(decision ?? prepared.Decision);
        if (prepared.Decision.Effects is { } effects)
        {
            parameters["effects"] = AuditSanitizer.Sanitize(effects.ToJson());
        }

        _audit.Append(new AuditEvent(
            AuditEventType.TransactionSign, context.ToolName, context.CorrelationId, context.Actor, "sign", parameters, AuditResult.Denied, code));
    }
}
