using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HsmWallet.Core.State;
using HsmWallet.Core.Vault;

namespace HsmWallet.Core.Approvals;

/// <summary>
/// Approvals waiting for the operator when the MCP client cannot ask a human itself: one document per request in
/// the state store (approvals/ID.json: an owner-only file of the home, or a row of the shared database, so a request
/// asked on one instance is approved and redeemed once on any). The agent only ever learns an id; approving takes the operator's
/// `hsmwallet approve ID`, and the approval is used once, for the exact data it was bound to, before it expires.
/// What an agent can grow is bounded: every operation first removes expired records from disk, a used approval's
/// record is removed when it is used, and each agent may have at most <see cref="MaxPendingPerAgent"/> requests
/// waiting (more are refused, naming the limit, until the operator answers or they expire).
/// </summary>
public sealed partial class ApprovalStore
{
    /// <summary>How long a request waits for the operator unless the caller says otherwise.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(10);

    /// <summary>How many requests one agent may have waiting for the operator unless the host says otherwise.</summary>
    public const int DefaultMaxPendingPerAgent = 20;

    /// <summary>
    /// Who asks when the host names no one: today one server process serves one agent, so all its requests count
    /// towards one bound; a host serving several agents passes each one's identity to <c>Create</c>.
    /// </summary>
    public const string DefaultAgent = "mcp-client";

    private const int MaximumRecordLength = 1024 * 1024;
    private const string Folder = "approvals";
    private const string Scope = "approvals/store";
    private readonly IStateStore _store;
    private readonly TimeProvider _time;

    /// <summary>Binds the approvals folder of <paramref name="home"/>, a clock (a fake one in tests) and the per-agent bound.</summary>
    public ApprovalStore(WalletHome home, TimeProvider? time = null, int maxPendingPerAgent = DefaultMaxPendingPerAgent)
        : this(new FileStateStore((home ?? throw new ArgumentNullException(nameof(home))).Root), time, maxPendingPerAgent)
    {
    }

    /// <summary>Binds the requests kept in <paramref name="store"/>, a clock (a fake one in tests) and the per-agent bound.</summary>
    public ApprovalStore(IStateStore store, TimeProvider? time = null, int maxPendingPerAgent = DefaultMaxPendingPerAgent)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPendingPerAgent, 1);
        _store = store;
        _time = time ?? TimeProvider.System;
        MaxPendingPerAgent = maxPendingPerAgent;
    }

    /// <summary>The most requests one agent may have waiting for the operator at once.</summary>
    public int MaxPendingPerAgent { get; }

    /// <summary>
    /// Records a new request for approval of the data fingerprinted by <paramref name="binding"/>, asked by
    /// <paramref name="agent"/>. Refused with code rate_limited (naming the limit) while that agent already has
    /// <see cref="MaxPendingPerAgent"/> requests waiting.
    /// </summary>
    public PendingApproval Create(string binding, ApprovalSummary summary, TimeSpan? lifetime = null, string agent = DefaultAgent) =>
        Create(new ApprovalRequest("tx_sign", binding, summary, null), lifetime, agent);

    /// <summary>
    /// Records a new request for <paramref name="request"/> (its binding, summary, quorum and, for a delay, the instant after
    /// which it may be used unless vetoed), asked by <paramref name="agent"/>; the same per-agent bound applies.
    /// </summary>
    public PendingApproval Create(ApprovalRequest request, TimeSpan? lifetime = null, string agent = DefaultAgent)
    {
        ArgumentNullException.ThrowIfNull(request);
        var binding = request.Binding;
        var summary = request.Summary;
        ArgumentException.ThrowIfNullOrEmpty(binding);
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentException.ThrowIfNullOrEmpty(agent);
        return _store.Exclusive(Scope, session => Create(session, request, lifetime, agent));
    }

    private PendingApproval Create(IStateSession session, ApprovalRequest request, TimeSpan? lifetime, string agent)
    {
        var binding = request.Binding;
        var summary = request.Summary;
        var now = _time.GetUtcNow();
        var waiting = Sweep(session, now)
            .Where(record => record.State == ApprovalState.Pending && string.Equals(record.Agent, agent, StringComparison.Ordinal))
            .ToList();
        if (waiting.Count >= MaxPendingPerAgent)
        {
            var oldest = waiting.Min(record => record.ExpiresAt);
            throw new ApprovalException(
                "rate_limited",
                string.Create(CultureInfo.InvariantCulture, $"approval: {waiting.Count} requests already wait for the operator, the most one agent may have pending ({MaxPendingPerAgent}); retry after the operator answers one (`hsmwallet approve list`) or one expires (the next at {oldest.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ})"))
            {
                RetryAfter = oldest - now,
            };
        }

        var notBefore = request.Delay is { } delay ? now + delay : (DateTimeOffset?)null;
        var approval = new PendingApproval(
            "apv_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            binding,
            summary,
            now,
            (notBefore ?? now) + (lifetime ?? DefaultLifetime),
            ApprovalState.Pending)
        {
            Agent = agent,
            Operation = request.Operation,
            Quorum = Math.Clamp(request.Quorum, 1, PasskeyApproverStore.MaximumApprovers),
            NotBefore = notBefore,
        };
        Write(session, approval);
        return approval;
    }

    /// <summary>Every request still waiting for the operator and not expired, oldest first (expired records are removed on the way).</summary>
    public IReadOnlyList<PendingApproval> ListPending() =>
        _store.Exclusive(Scope, session => (IReadOnlyList<PendingApproval>)[.. Sweep(session, _time.GetUtcNow()).Where(approval => approval.State == ApprovalState.Pending).OrderBy(approval => approval.CreatedAt)]);

    /// <summary>The request with this id; throws naming the field when there is none (never was, expired and removed, or used).</summary>
    public PendingApproval Get(string id) => _store.Exclusive(Scope, session => Get(session, id));

    private static PendingApproval Get(IStateSession session, string id) =>
        Read(session, CheckId(id)) ?? throw new ApprovalException("invalid_input", "approval_id: names no approval request (it is unknown, has expired or was already used); ask for a new approval");

    /// <summary>The operator approves: the request becomes usable once by the matching retry (Core still refuses it where a passkey is required).</summary>
    public PendingApproval Approve(string id) => Decide(id, ApprovalState.Approved);

    /// <summary>The operator or an approver refuses, or vetoes a delay: the request can never be used.</summary>
    public PendingApproval Deny(string id) => Decide(id, ApprovalState.Denied);

    /// <summary>
    /// Adds one approver's passkey approval (already verified by the page) to request <paramref name="id"/> for
    /// <paramref name="binding"/>; once as many distinct approvers as its quorum have signed, it is approved. Refused when
    /// the request is not pending, expired, bound to other data, or this approver already signed it.
    /// </summary>
    public PendingApproval AddPasskey(string id, string binding, PasskeyApproval approval)
    {
        ArgumentNullException.ThrowIfNull(binding);
        ArgumentNullException.ThrowIfNull(approval);
        CheckId(id);
        return _store.Exclusive(Scope, session => AddPasskey(session, id, binding, approval));
    }

    private PendingApproval AddPasskey(IStateSession session, string id, string binding, PasskeyApproval approval)
    {
        Sweep(session, _time.GetUtcNow());
        var pending = Get(session, id);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(pending.Binding), Encoding.ASCII.GetBytes(binding)))
        {
            throw new ApprovalException("invalid_input", "approval_id: was given for different signing data");
        }

        if (pending.State != ApprovalState.Pending)
        {
            throw new ApprovalException("invalid_input", "approval_id: was already " + pending.State.ToString().ToLowerInvariant());
        }

        if (pending.Passkeys.Any(given => string.Equals(given.Assertion.Nonce, approval.Assertion.Nonce, StringComparison.Ordinal)))
        {
            throw new ApprovalException("invalid_input", "assertion.nonce: this view of the approval page was already answered; reload it");
        }

        if (pending.Passkeys.Any(given => string.Equals(given.Approver, approval.Approver, StringComparison.Ordinal)))
        {
            throw new ApprovalException("invalid_input", "approver: " + approval.Approver + " has already approved this request; another approver must");
        }

        if (pending.Passkeys.Count >= ApprovalRules.MaximumAssertions)
        {
            throw new ApprovalException("invalid_input", "approval_id: holds the most approvals one request may carry");
        }

        var passkeys = pending.Passkeys.Append(approval).ToList();
        var updated = pending with
        {
            Passkeys = passkeys,
            State = passkeys.Count >= pending.Quorum ? ApprovalState.Approved : ApprovalState.Pending,
        };
        Write(session, updated);
        return updated;
    }

    /// <summary>
    /// Uses an approved request for the data fingerprinted by <paramref name="binding"/>, once. Throws with code
    /// approval_pending while the operator has not answered, approval_declined when refused, invalid_input when
    /// the id is unknown, expired, used, or bound to other data (a changed transaction needs a new approval).
    /// </summary>
    public ApprovalGrant Redeem(string id, string binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        CheckId(id);
        return _store.Exclusive(Scope, session => Redeem(session, id, binding));
    }

    private ApprovalGrant Redeem(IStateSession session, string id, string binding)
    {
        Sweep(session, _time.GetUtcNow());
        var approval = Get(session, id);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(approval.Binding), Encoding.ASCII.GetBytes(binding)))
        {
            throw new ApprovalException("invalid_input", "approval_id: was given for different signing data; a changed request needs a new approval");
        }

        if (approval.State == ApprovalState.Denied)
        {
            throw new ApprovalException("approval_declined", approval.NotBefore is null ? "the operator or an approver denied this request" : "the operator or an approver vetoed this request during its delay", approval);
        }

        if (approval.State == ApprovalState.Used)
        {
            throw new ApprovalException("invalid_input", "approval_id: was already used; ask for a new approval");
        }

        if (approval.ExpiresAt <= _time.GetUtcNow())
        {
            throw new ApprovalException("invalid_input", "approval_id: has expired; ask for a new approval");
        }

        var now = _time.GetUtcNow();
        if (approval.State == ApprovalState.Pending && approval.NotBefore is { } notBefore && approval.Passkeys.Count == 0)
        {
            if (notBefore > now)
            {
                throw new ApprovalException(
                    "approval_delayed",
                    string.Create(CultureInfo.InvariantCulture, $"the policy lets this be signed after a delay: call again with this approval_id after {notBefore.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}, unless the operator or an approver vetoes it"),
                    approval);
            }
        }
        else if (approval.State == ApprovalState.Pending)
        {
            throw new ApprovalException(
                "approval_pending",
                approval.Passkeys.Count > 0
                    ? string.Create(CultureInfo.InvariantCulture, $"{approval.Passkeys.Count} of the {approval.Quorum} approvers it needs have approved so far")
                    : "the operator has not approved this request yet",
                approval);
        }

        // Spent: the record goes, so a second use finds nothing and the store does not keep used approvals.
        session.Delete(DocumentOf(approval.Id));
        if (approval.Passkeys.Count > 0)
        {
            return new ApprovalGrant(binding, ApprovalGrant.ViaPasskey) { Passkeys = approval.Passkeys };
        }

        return new ApprovalGrant(binding, approval.State == ApprovalState.Approved ? ApprovalGrant.ViaOperator : ApprovalGrant.ViaDelay);
    }

    private PendingApproval Decide(string id, ApprovalState decision)
    {
        CheckId(id);
        return _store.Exclusive(Scope, session => Decide(session, id, decision));
    }

    private PendingApproval Decide(IStateSession session, string id, ApprovalState decision)
    {
        Sweep(session, _time.GetUtcNow());
        var approval = Get(session, id);
        if (approval.State != ApprovalState.Pending)
        {
            throw new ApprovalException("invalid_input", "approval_id: was already " + approval.State.ToString().ToLowerInvariant());
        }

        if (approval.ExpiresAt <= _time.GetUtcNow())
        {
            throw new ApprovalException("invalid_input", "approval_id: has expired");
        }

        if (decision == ApprovalState.Approved && approval.Quorum > 1)
        {
            throw new ApprovalException("invalid_input", string.Create(CultureInfo.InvariantCulture, $"approval_id: needs {approval.Quorum} approvers' passkeys; the operator's yes cannot stand in for them (open the approval page)"));
        }

        var decided = approval with { State = decision };
        Write(session, decided);
        return decided;
    }

    /// <summary>
    /// Removes expired and used records from disk and returns the live ones; call it under the store's lock. Its
    /// work is bounded by what the store lets exist: the pending bound per agent, plus what the operator decided
    /// and that expires. A damaged record is kept for the operator to look at but never counted or used.
    /// </summary>
    private static List<PendingApproval> Sweep(IStateSession session, DateTimeOffset now)
    {
        var live = new List<PendingApproval>();
        foreach (var document in session.List(Folder))
        {
            var id = document[(Folder.Length + 1)..].Replace(".json", string.Empty, StringComparison.Ordinal);
            PendingApproval? approval;
            try
            {
                approval = IdPattern().IsMatch(id) && document == DocumentOf(id) ? Read(session, id) : null;
            }
            catch (ApprovalException)
            {
                continue; // A damaged record can never be approved or used; it must not hide the others.
            }

            if (approval is null)
            {
                continue;
            }

            if (approval.State == ApprovalState.Used || approval.ExpiresAt <= now)
            {
                session.Delete(document);
                continue;
            }

            live.Add(approval);
        }

        return live;
    }

    private static string CheckId(string id) =>
        id is not null && IdPattern().IsMatch(id) ? id : throw new ApprovalException("invalid_input", "approval_id: must look like apv_ followed by 16 hex digits");

    private static string DocumentOf(string id) => Folder + "/" + id + ".json";

    private static void Write(IStateSession session, PendingApproval approval)
    {
        var json = new JsonObject
        {
            ["version"] = 1,
            ["id"] = approval.Id,
            ["binding"] = approval.Binding,
            ["state"] = approval.State.ToString().ToLowerInvariant(),
            ["agent"] = approval.Agent,
            ["created_at"] = approval.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
            ["expires_at"] = approval.ExpiresAt.ToString("O", CultureInfo.InvariantCulture),
            ["summary"] = approval.Summary.ToJson(),
            ["operation"] = approval.Operation,
            ["quorum"] = approval.Quorum,
            ["not_before"] = approval.NotBefore?.ToString("O", CultureInfo.InvariantCulture),
            ["passkeys"] = new JsonArray([.. approval.Passkeys.Select(passkey => (JsonNode)new JsonObject
            {
                ["approver"] = passkey.Approver,
                ["nonce"] = passkey.Assertion.Nonce,
                ["response"] = passkey.Assertion.ResponseJson,
            })]),
        };
        var content = Encoding.UTF8.GetBytes(json.ToJsonString());
        if (content.Length > MaximumRecordLength)
        {
            throw new ApprovalException("invalid_input", "approval: the request is larger than a record may be (1 MiB)");
        }

        session.Write(DocumentOf(approval.Id), content);
    }

    private static PendingApproval? Read(IStateSession session, string id)
    {
        try
        {
            var content = session.Read(DocumentOf(id));
            if (content is null)
            {
                return null;
            }

            if (content.Length > MaximumRecordLength)
            {
                throw new ApprovalException("invalid_input", "approval_id: its record is larger than a record may be");
            }

            var json = JsonNode.Parse(content)!.AsObject();
            if (json["version"]?.GetValue<int>() != 1 || json["id"]?.GetValue<string>() != id)
            {
                throw new ApprovalException("invalid_input", "approval_id: its record is damaged");
            }

            return new PendingApproval(
                id,
                json["binding"]!.GetValue<string>(),
                ApprovalSummary.FromJson(json["summary"]!.AsObject()),
                DateTimeOffset.Parse(json["created_at"]!.GetValue<string>(), CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(json["expires_at"]!.GetValue<string>(), CultureInfo.InvariantCulture),
                Enum.Parse<ApprovalState>(json["state"]!.GetValue<string>(), ignoreCase: true))
            {
                Agent = json["agent"]?.GetValue<string>() ?? DefaultAgent,
                Operation = json["operation"]?.GetValue<string>() ?? "tx_sign",
                Quorum = json["quorum"]?.GetValue<int>() ?? 1,
                NotBefore = json["not_before"] is JsonNode notBefore ? DateTimeOffset.Parse(notBefore.GetValue<string>(), CultureInfo.InvariantCulture) : null,
                Passkeys = json["passkeys"] is JsonArray passkeys
                    ? [.. passkeys.Select(item => new PasskeyApproval(item!["approver"]!.GetValue<string>(), new PasskeyAssertion(item["response"]!.GetValue<string>(), item["nonce"]!.GetValue<string>())))]
                    : [],
            };
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or NullReferenceException
            or FormatException or ArgumentException or InvalidInputException)
        {
            throw new ApprovalException("approval_id: its record is damaged", exception);
        }
    }

    [GeneratedRegex("^apv_[0-9a-f]{16}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
