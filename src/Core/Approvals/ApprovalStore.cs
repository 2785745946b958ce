using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HsmWallet.Core.Secrets.Files;
using HsmWallet.Core.Vault;

namespace HsmWallet.Core.Approvals;

/// <summary>
/// Approvals waiting for the operator when the MCP client cannot ask a human itself: one owner-only file per
/// request under the home's approvals/ folder. The agent only ever learns an id; approving takes the operator's
/// `hsmwallet approve ID`, and the approval is used once, for the exact data it was bound to, before it expires.
/// </summary>
public sealed partial class ApprovalStore
{
    /// <summary>How long a request waits for the operator unless the caller says otherwise.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);
    private readonly WalletHome _home;
    private readonly TimeProvider _time;

    /// <summary>Binds the approvals folder of <paramref name="home"/> and a clock (a fake one in tests).</summary>
    public ApprovalStore(WalletHome home, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(home);
        _home = home;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Records a new request for approval of the data fingerprinted by <paramref name="binding"/>.</summary>
    public PendingApproval Create(string binding, ApprovalSummary summary, TimeSpan? lifetime = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(binding);
        ArgumentNullException.ThrowIfNull(summary);
        var now = _time.GetUtcNow();
        var approval = new PendingApproval(
            "apv_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            binding,
            summary,
            now,
            now + (lifetime ?? DefaultLifetime),
            ApprovalState.Pending);
        using var fileLock = Lock();
        Write(approval);
        return approval;
    }

    /// <summary>Every request still waiting for the operator and not expired, oldest first.</summary>
    public IReadOnlyList<PendingApproval> ListPending()
    {
        if (!Directory.Exists(_home.ApprovalsDirectory))
        {
            return [];
        }

        var now = _time.GetUtcNow();
        var pending = new List<PendingApproval>();
        foreach (var path in Directory.EnumerateFiles(_home.ApprovalsDirectory, "apv_*.json"))
        {
            var id = Path.GetFileNameWithoutExtension(path);
            PendingApproval? approval;
            try
            {
                approval = IdPattern().IsMatch(id) ? Read(id) : null;
            }
            catch (ApprovalException)
            {
                continue; // A damaged record can never be approved or used; it must not hide the others.
            }

            if (approval is { State: ApprovalState.Pending } && approval.ExpiresAt > now)
            {
                pending.Add(approval);
            }
        }

        return [.. pending.OrderBy(approval => approval.CreatedAt)];
    }

    /// <summary>The request with this id; throws naming the field when there is none.</summary>
    public PendingApproval Get(string id) =>
        Read(CheckId(id)) ?? throw new ApprovalException("invalid_input", "approval_id: names no approval request");

    /// <summary>The operator approves: the request becomes usable once by the matching retry.</summary>
    public PendingApproval Approve(string id) => Decide(id, ApprovalState.Approved);

    /// <summary>The operator refuses: the request can never be used.</summary>
    public PendingApproval Deny(string id) => Decide(id, ApprovalState.Denied);

    /// <summary>
    /// Uses an approved request for the data fingerprinted by <paramref name="binding"/>, once. Throws with code
    /// approval_pending while the operator has not answered, approval_declined when refused, invalid_input when
    /// the id is unknown, expired, used, or bound to other data (a changed transaction needs a new approval).
    /// </summary>
    public ApprovalGrant Redeem(string id, string binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        using var fileLock = Lock();
        var approval = Get(id);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(approval.Binding), Encoding.ASCII.GetBytes(binding)))
        {
            throw new ApprovalException("invalid_input", "approval_id: was given for different signing data; a changed request needs a new approval");
        }

        if (approval.State == ApprovalState.Denied)
        {
            throw new ApprovalException("approval_declined", "the operator denied this request", approval);
        }

        if (approval.State == ApprovalState.Used)
        {
            throw new ApprovalException("invalid_input", "approval_id: was already used; ask for a new approval");
        }

        if (approval.ExpiresAt <= _time.GetUtcNow())
        {
            throw new ApprovalException("invalid_input", "approval_id: has expired; ask for a new approval");
        }

        if (approval.State == ApprovalState.Pending)
        {
            throw new ApprovalException("approval_pending", "the operator has not approved this request yet", approval);
        }

        Write(approval with { State = ApprovalState.Used });
        return new ApprovalGrant(binding, "operator");
    }

    private PendingApproval Decide(string id, ApprovalState decision)
    {
        using var fileLock = Lock();
        var approval = Get(id);
        if (approval.State != ApprovalState.Pending)
        {
            throw new ApprovalException("invalid_input", "approval_id: was already " + approval.State.ToString().ToLowerInvariant());
        }

        if (approval.ExpiresAt <= _time.GetUtcNow())
        {
            throw new ApprovalException("invalid_input", "approval_id: has expired");
        }

        var decided = approval with { State = decision };
        Write(decided);
        return decided;
    }

    private static string CheckId(string id) =>
        id is not null && IdPattern().IsMatch(id) ? id : throw new ApprovalException("invalid_input", "approval_id: must look like apv_ followed by 16 hex digits");

    private string PathOf(string id) => Path.Combine(_home.ApprovalsDirectory, id + ".json");

    private FileLock Lock()
    {
        ProtectedFile.EnsurePrivateDirectory(_home.ApprovalsDirectory);
        return FileLock.Acquire(Path.Combine(_home.ApprovalsDirectory, "store"), LockTimeout);
    }

    private void Write(PendingApproval approval)
    {
        var json = new JsonObject
        {
            ["version"] = 1,
            ["id"] = approval.Id,
            ["binding"] = approval.Binding,
            ["state"] = approval.State.ToString().ToLowerInvariant(),
            ["created_at"] = approval.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
            ["expires_at"] = approval.ExpiresAt.ToString("O", CultureInfo.InvariantCulture),
            ["summary"] = approval.Summary.ToJson(),
        };
        ProtectedFile.WriteAtomic(PathOf(approval.Id), Encoding.UTF8.GetBytes(json.ToJsonString()));
    }

    private PendingApproval? Read(string id)
    {
        var path = PathOf(id);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var json = JsonNode.Parse(ProtectedFile.ReadAllBytes(path))!.AsObject();
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
                Enum.Parse<ApprovalState>(json["state"]!.GetValue<string>(), ignoreCase: true));
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
