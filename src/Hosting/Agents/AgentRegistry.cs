using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Core;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Secrets.Files;
using HsmWallet.Core.Vault;

namespace HsmWallet.Hosting.Agents;

/// <summary>One agent the operator let in over HTTP: its name, the wallets it may see (null: all) and whether it was revoked.</summary>
/// <param name="Name">The agent's name, as the audit log names it (agent:NAME).</param>
/// <param name="Wallets">The wallet names it may see and use, or null for every wallet.</param>
/// <param name="Created">When `hsmwallet agent add` issued its token.</param>
/// <param name="Revoked">True once `hsmwallet agent revoke` ran: its token is refused from the next request on.</param>
/// <param name="PolicySha256">The canonical SHA-256 of its own policy section (agents/NAME.policy.json), or null when it has none.</param>
/// <param name="OAuthSubject">
/// The `sub` of the OAuth 2.1 access tokens (JWTs from the --oauth-issuer) that stand for this agent, or null for an agent
/// with a bearer token of its own; such an agent has no token of its own.
/// </param>
/// <param name="OAuthIssuer">
/// The issuer (the tokens' `iss`, exactly) whose <paramref name="OAuthSubject"/> this agent is: a `sub` is unique only
/// within its issuer. Null for a token agent, and for an OAuth agent recorded before issuers were (agents.json version
/// 1), which no token lets in until the operator binds it again with its issuer.
/// </param>
public sealed record AgentRecord(string Name, IReadOnlyList<string>? Wallets, DateTimeOffset Created, bool Revoked, string? PolicySha256 = null, string? OAuthSubject = null, string? OAuthIssuer = null)
{
    /// <summary>True for an OAuth agent recorded without its issuer (an older agents.json): refused until bound again with one.</summary>
    public bool LacksIssuer => OAuthSubject is not null && OAuthIssuer is null;

    /// <summary>True when this agent may see and use the wallet named <paramref name="walletName"/>.</summary>
    public bool Sees(string walletName) => Wallets is null || Wallets.Contains(walletName, StringComparer.Ordinal);
}

/// <summary>
/// The agents allowed to call hsmwallet-mcp over HTTP (issue 19), kept in the home's agents.json (0600, written
/// atomically, never through a link): for each, only the SHA-256 of its bearer token, so the file gives no one a
/// token. A token is 256 random bits, printed once by `hsmwallet agent add`; a request's token is hashed and compared
/// with every stored hash in constant time. At most <see cref="MaximumAgents"/> agents, so the file stays small and
/// is read afresh for every request (a revocation counts at the next request of a running server). The file's SHA-256
/// is recorded in the vault's authenticated settings by every change `hsmwallet agent` makes (which unlocks the vault),
/// and the file is used only while it matches: a process that can write the home but not unlock the vault cannot add
/// itself, restore a revoked agent or delete the list (each refuses every request until the operator repairs it).
/// An agent may have its own policy section (agents/NAME.policy.json, 0600, written atomically), trusted only while its
/// canonical SHA-256 matches the one its entry records; it tightens the home's policy for that agent's signatures.
/// An agent may instead be bound to an OAuth issuer and subject (`agent add --oauth-subject SUB --oauth-issuer URL`): it
/// has no token of its own, and the server lets in an access token only when the token's validated `iss` and `sub` are
/// exactly that pair, not revoked. A `sub` alone names nobody: the same `sub` at another issuer is another principal.
/// </summary>
public sealed class AgentRegistry : IAgentPolicySource
{
    /// <summary>The folder in the home that holds the agents' policy sections.</summary>
    public const string PolicyDirectoryName = "agents";

    /// <summary>The file's name in the home.</summary>
    public const string FileName = "agents.json";

    /// <summary>The most agents a home holds (each request reads the whole file).</summary>
    public const int MaximumAgents = 64;

    /// <summary>The most wallets one agent's list names.</summary>
    public const int MaximumWalletsPerAgent = 64;

    /// <summary>What every token starts with (so a leaked one is recognisable by secret scanners).</summary>
    public const string TokenPrefix = "hwa_";

    /// <summary>The longest OAuth subject an agent may be bound to (OpenID Connect's bound on `sub`).</summary>
    public const int MaximumSubjectLength = 255;

    /// <summary>The longest OAuth issuer identifier an agent may be bound to (the server's --oauth-issuer has the same bound).</summary>
    public const int MaximumIssuerLength = 2048;

    /// <summary>The format version written: 2 records each OAuth agent's issuer (version 1 files are still read).</summary>
    public const int FormatVersion = 2;

    private const int MaximumFileBytes = 256 * 1024;
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(10);
    private static readonly byte[] NoList = new byte[32];
    private readonly string _path;
    private readonly string _policyDirectory;
    private readonly TimeProvider _time;
    private readonly WalletVault _vault;
    private readonly Func<UnlockOptions> _unlock;
    private RecordedHash? _recorded;

    /// <summary>The registry of the home at <paramref name="homeRoot"/>, bound to its vault (opened with <paramref name="unlock"/>) that records the list's hash.</summary>
    public AgentRegistry(string homeRoot, WalletVault vault, Func<UnlockOptions> unlock, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(homeRoot);
        ArgumentNullException.ThrowIfNull(vault);
        ArgumentNullException.ThrowIfNull(unlock);
        _path = Path.Combine(homeRoot, FileName);
        _policyDirectory = Path.Combine(homeRoot, PolicyDirectoryName);
        _vault = vault;
        _unlock = unlock;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// Keeps the hash an unlock of the same vault (by another handle) read, so a request needs no unlock of its own while
    /// the vault file keeps that generation; only authenticated content is kept.
    /// </summary>
    public void Observe(UnlockedVault vault)
    {
        ArgumentNullException.ThrowIfNull(vault);
        Volatile.Write(ref _recorded, new RecordedHash(vault.Generation, RecordedIn(vault)));
    }

    /// <summary>The file the registry is kept in.</summary>
    public string FilePath => _path;

    /// <summary>Every agent, revoked ones included; never a token (none is kept).</summary>
    public IReadOnlyList<AgentRecord> List() => [.. Read().Select(entry => entry.Record)];

    /// <summary>
    /// Adds agent <paramref name="name"/> limited to <paramref name="wallets"/> (null: every wallet) and returns its
    /// bearer token: the only time it exists outside the agent's client. With <paramref name="policy"/>, that is its own
    /// policy section from the start.
    /// </summary>
    public string Add(string name, IReadOnlyList<string>? wallets, PolicyDocument? policy = null) => Insert(name, wallets, oauth: null, policy).Token!;

    /// <summary>
    /// Adds agent <paramref name="name"/> (limited to <paramref name="wallets"/>, null: every wallet) that has no token
    /// of its own: it is let in by an access token (JWT) whose validated `iss` is exactly <paramref name="issuer"/> and
    /// whose `sub` is <paramref name="subject"/>. An (issuer, subject) pair names at most one agent that is not revoked.
    /// With <paramref name="policy"/>, that is its own policy section from the start.
    /// </summary>
    public AgentRecord AddOAuthSubject(string name, IReadOnlyList<string>? wallets, string issuer, string subject, PolicyDocument? policy = null)
    {
        CheckIssuer(issuer);
        CheckSubject(subject);
        return Insert(name, wallets, (issuer, subject), policy).Record;
    }

    private (AgentRecord Record, string? Token) Insert(string name, IReadOnlyList<string>? wallets, (string Issuer, string Subject)? oauth, PolicyDocument? policy)
    {
        CheckName(name, "name");
        if (wallets is not null)
        {
            if (wallets.Count is 0 or > MaximumWalletsPerAgent)
            {
                throw new InvalidInputException("--wallets", $"must name 1 to {MaximumWalletsPerAgent} wallets");
            }

            foreach (var wallet in wallets)
            {
                CheckName(wallet, "--wallets");
            }
        }

        // Two `agent add` at once must not lose one: the read-modify-write holds the file's lock.
        using var fileLock = FileLock.Acquire(_path, LockWait);
        var entries = Read();
        if (entries.Any(entry => string.Equals(entry.Record.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidInputException("name", "is already an agent (revoke it, or choose another name)");
        }

        if (entries.Count >= MaximumAgents)
        {
            throw new InvalidInputException("name", $"cannot be added: a home holds at most {MaximumAgents} agents (revoked ones count)");
        }

        if (oauth is { } pair
            && entries.Any(entry => !entry.Record.Revoked && IsBoundTo(entry.Record, pair.Issuer, pair.Subject)))
        {
            throw new InvalidInputException("--oauth-subject", "is already the subject of an agent of that --oauth-issuer that is not revoked (revoke that one first)");
        }

        if (policy is not null)
        {
            // The section first, then the entry recording its hash: a failure between leaves a file nothing trusts.
            PolicyFile.Save(PolicyPath(name), policy);
        }

        if (oauth is { } bind)
        {
            var bound = new AgentRecord(name, wallets is null ? null : [.. wallets.Distinct(StringComparer.Ordinal)], _time.GetUtcNow(), false, policy?.Sha256, bind.Subject, bind.Issuer);
            entries.Add(new Entry(bound, []));
            Write(entries);
            return (bound, null);
        }

        var secret = RandomNumberGenerator.GetBytes(32);
        var token = TokenPrefix + Base64Url(secret);
        CryptographicOperations.ZeroMemory(secret);
        var record = new AgentRecord(name, wallets is null ? null : [.. wallets.Distinct(StringComparer.Ordinal)], _time.GetUtcNow(), false, policy?.Sha256);
        entries.Add(new Entry(record, Hash(token)));
        Write(entries);
        return (record, token);
    }

    /// <summary>Revokes agent <paramref name="name"/>: its token (or its OAuth subject's tokens) is refused from now on (the entry stays, for the audit log's names).</summary>
    public AgentRecord Revoke(string name)
    {
        CheckName(name, "name");
        using var fileLock = FileLock.Acquire(_path, LockWait);
        var entries = Read();
        var index = entries.FindIndex(entry => string.Equals(entry.Record.Name, name, StringComparison.Ordinal));
        if (index < 0)
        {
            throw new InvalidInputException("name", "names no agent (see hsmwallet agent list)");
        }

        entries[index] = entries[index] with { Record = entries[index].Record with { Revoked = true } };
        Write(entries);
        return entries[index].Record;
    }

    /// <summary>
    /// Gives agent <paramref name="name"/> the policy section <paramref name="policy"/>, or none (null: the home's policy
    /// alone decides for it). The file is written first, then the entry recording its SHA-256 (and the list's hash in the
    /// vault), so between the two its signatures are refused, never let through under an unrecorded section.
    /// </summary>
    public AgentRecord SetPolicy(string name, PolicyDocument? policy)
    {
        CheckName(name, "name");
        using var fileLock = FileLock.Acquire(_path, LockWait);
        var entries = Read();
        var index = entries.FindIndex(entry => string.Equals(entry.Record.Name, name, StringComparison.Ordinal));
        if (index < 0)
        {
            throw new InvalidInputException("name", "names no agent (see hsmwallet agent list)");
        }

        if (entries[index].Record.Revoked)
        {
            throw new InvalidInputException("name", "is a revoked agent: its token is refused, so it signs nothing under any policy");
        }

        if (policy is not null)
        {
            PolicyFile.Save(PolicyPath(name), policy);
        }

        entries[index] = entries[index] with { Record = entries[index].Record with { PolicySha256 = policy?.Sha256 } };
        Write(entries);
        if (policy is null && File.Exists(PolicyPath(name)))
        {
            // Cleared: the entry no longer names a section, so the file is only clutter.
            File.Delete(PolicyPath(name));
        }

        return entries[index].Record;
    }

    /// <summary>The file agent <paramref name="name"/>'s policy section is kept in (agents/NAME.policy.json in the home).</summary>
    public string PolicyPath(string name)
    {
        CheckName(name, "name");
        return Path.Combine(_policyDirectory, name + ".policy.json");
    }

    /// <summary>
    /// Agent <paramref name="agent"/>'s policy section as trusted now: null when its entry names none; a section that
    /// denies (naming the fix) when the agent list cannot be trusted, the agent is unknown or revoked, or its file was
    /// changed, deleted or made unreadable behind `hsmwallet agent policy`'s back. Never the home's policy in its place.
    /// </summary>
    public PolicyFile? SectionOf(string agent)
    {
        AgentRecord? record;
        try
        {
            record = Read().Select(entry => entry.Record).FirstOrDefault(candidate => string.Equals(candidate.Name, agent, StringComparison.Ordinal));
        }
        catch (InvalidInputException error)
        {
            return PolicyFile.Untrusted(error.Message);
        }

        if (record is null || record.Revoked)
        {
            return PolicyFile.Untrusted($"agent {agent} is {(record is null ? "not in the agent list" : "revoked")}; nothing is signed for it");
        }

        if (record.PolicySha256 is null)
        {
            return null;
        }

        var path = PolicyPath(agent);
        var loaded = PolicyFile.Load(path, record.PolicySha256);
        if (loaded.Problem is null)
        {
            return loaded;
        }

        var why = loaded.Problem == PolicyFile.HashMismatchMessage
            ? "does not match the SHA-256 its entry in agents.json records (changed or deleted behind its back)"
            : "cannot be used (" + loaded.Problem + ")";
        return PolicyFile.Untrusted($"agent {agent}'s policy file {path} {why}; every signature it asks for is refused until the operator runs hsmwallet agent policy {agent} FILE (or --clear)");
    }

    /// <summary>
    /// The agent whose token is <paramref name="token"/>, or null (no such token, or revoked): every stored hash is
    /// compared, in constant time, whichever matches.
    /// </summary>
    public AgentRecord? Authenticate(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 128)
        {
            return null;
        }

        var presented = Hash(token);
        AgentRecord? found = null;
        foreach (var entry in Read())
        {
            if (CryptographicOperations.FixedTimeEquals(presented, entry.TokenSha256) && !entry.Record.Revoked)
            {
                found = entry.Record;
            }
        }

        return found;
    }

    /// <summary>
    /// The agent bound to <paramref name="issuer"/> and <paramref name="subject"/> (the `iss` and `sub` of an access token
    /// the caller already validated), or null when no agent that is not revoked has exactly that pair. An agent recorded
    /// without an issuer (agents.json version 1) never matches: which issuer its `sub` belonged to is not known.
    /// </summary>
    public AgentRecord? AuthenticateSubject(string? issuer, string? subject)
    {
        if (string.IsNullOrEmpty(subject) || subject.Length > MaximumSubjectLength || string.IsNullOrEmpty(issuer) || issuer.Length > MaximumIssuerLength)
        {
            return null;
        }

        var found = Read().Where(entry => !entry.Record.Revoked && IsBoundTo(entry.Record, issuer, subject)).ToList();
        return found.Count == 1 ? found[0].Record : null;
    }

    /// <summary>
    /// The names of the agents that are not revoked and bound to <paramref name="subject"/> without an issuer (recorded by
    /// an older version): a request with that `sub` is refused, and the server's log names them so the operator re-binds them.
    /// </summary>
    public IReadOnlyList<string> WithoutIssuer(string? subject) =>
        string.IsNullOrEmpty(subject)
            ? []
            : [.. Read().Where(entry => !entry.Record.Revoked && entry.Record.LacksIssuer && string.Equals(entry.Record.OAuthSubject, subject, StringComparison.Ordinal)).Select(entry => entry.Record.Name)];

    /// <summary>
    /// Checks an OAuth issuer identifier as `agent add --oauth-issuer` takes it: an absolute https URL (http only for a
    /// loopback host), no query, fragment or user info, at most <see cref="MaximumIssuerLength"/> characters. It is kept
    /// exactly as given and compared character for character with a token's `iss` (as the server's --oauth-issuer is).
    /// </summary>
    public static void CheckIssuer(string? issuer, string field = "--oauth-issuer")
    {
        if (string.IsNullOrEmpty(issuer)
            || issuer.Length > MaximumIssuerLength
            || !Uri.TryCreate(issuer, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("https" or "http")
            || !string.IsNullOrEmpty(uri.Query)
            || !string.IsNullOrEmpty(uri.Fragment)
            || !string.IsNullOrEmpty(uri.UserInfo)
            || issuer.Contains('#', StringComparison.Ordinal)
            || !issuer.All(c => c is > ' ' and < (char)0x7F))
        {
            throw new InvalidInputException(field, "must be the OAuth issuer identifier exactly as its tokens' iss names it: an absolute https URL without query or fragment");
        }

        if (uri.Scheme == "http" && !(uri.IsLoopback || (System.Net.IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address))))
        {
            throw new InvalidInputException(field, "must be an https URL (http only for a loopback host), as hsmwallet-mcp --oauth-issuer must be");
        }
    }

    private static bool IsBoundTo(AgentRecord record, string issuer, string subject) =>
        record.OAuthIssuer is not null
        && string.Equals(record.OAuthIssuer, issuer, StringComparison.Ordinal)
        && string.Equals(record.OAuthSubject, subject, StringComparison.Ordinal);

    /// <summary>Checks an OAuth subject: 1 to 255 printable ASCII characters, no space (what issuers put in `sub`).</summary>
    public static void CheckSubject(string? subject)
    {
        if (string.IsNullOrEmpty(subject) || subject.Length > MaximumSubjectLength || !subject.All(c => c is > ' ' and < (char)0x7F))
        {
            throw new InvalidInputException("--oauth-subject", $"must be 1 to {MaximumSubjectLength} printable ASCII characters without spaces (the token's sub)");
        }
    }

    /// <summary>Checks an agent or wallet name: 1 to 64 ASCII letters, digits, '.', '_' or '-'.</summary>
    public static void CheckName(string? name, string field)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            throw new InvalidInputException(field, "must be 1 to 64 ASCII letters, digits, '.', '_' or '-'");
        }
    }

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private byte[] Recorded()
    {
        if (Volatile.Read(ref _recorded) is { } known && known.Generation == _vault.StoredGeneration())
        {
            return known.Recorded;
        }

        return _vault.Read(_unlock(), vault =>
        {
            var recorded = RecordedIn(vault);
            Volatile.Write(ref _recorded, new RecordedHash(vault.Generation, recorded));
            return recorded;
        });
    }

    private static byte[] RecordedIn(UnlockedVault vault) =>
        vault.HasSetting(VaultSettingNames.AgentsSha256) ? vault.WithSetting(VaultSettingNames.AgentsSha256, value => value.ToArray()) : NoList;

    private List<Entry> Read()
    {
        var bytes = File.Exists(_path) ? ProtectedFile.ReadAllBytes(_path, MaximumFileBytes) : null;
        var actual = bytes is null ? NoList : SHA256.HashData(bytes);
        if (!CryptographicOperations.FixedTimeEquals(actual, Recorded()))
        {
            throw new InvalidInputException(
                "agents",
                $"{_path} is not the agent list `hsmwallet agent` last wrote (changed, restored or deleted behind its back); nothing is let in until the operator re-issues the agents");
        }

        if (bytes is null)
        {
            return [];
        }

        try
        {
            var root = JsonNode.Parse(bytes)!.AsObject();
            var version = root["version"]!.GetValue<int>();
            if (version is < 1 or > FormatVersion)
            {
                // A newer format may bind agents in a way this version does not know how to check: nothing is let in.
                throw new FormatException("an agent list of a version this one does not know");
            }

            var entries = new List<Entry>();
            foreach (var node in root["agents"]!.AsArray())
            {
                var agent = node!.AsObject();
                var wallets = agent["wallets"] is JsonArray list ? list.Select(item => item!.GetValue<string>()).ToList() : null;

                // An agent has either a token's hash or an OAuth subject, never both, never neither.
                var subject = agent["oauth_subject"]?.GetValue<string>();
                var tokenHash = subject is null ? Convert.FromHexString(agent["token_sha256"]!.GetValue<string>()) : [];
                if (subject is not null && agent["token_sha256"] is not null)
                {
                    throw new FormatException("an agent with both a token and an OAuth subject");
                }

                // A version 1 entry has no issuer: it is read (listed, revocable) but never matches a token.
                var issuer = agent["oauth_issuer"]?.GetValue<string>();
                if (issuer is not null && subject is null)
                {
                    throw new FormatException("an OAuth issuer without a subject");
                }

                entries.Add(new Entry(
                    new AgentRecord(
                        agent["name"]!.GetValue<string>(),
                        wallets,
                        DateTimeOffset.Parse(agent["created"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
                        agent["revoked"]!.GetValue<bool>(),
                        agent["policy_sha256"]?.GetValue<string>(),
                        subject,
                        issuer),
                    tokenHash));
            }

            return entries;
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            throw new InvalidInputException("agents", $"{_path} is not a valid agent list; fix or remove it (every agent then needs a new token)");
        }
    }

    private void Write(List<Entry> entries)
    {
        var agents = new JsonArray();
        foreach (var entry in entries)
        {
            var agent = new JsonObject
            {
                ["name"] = entry.Record.Name,
                ["token_sha256"] = Convert.ToHexStringLower(entry.TokenSha256),
                ["wallets"] = entry.Record.Wallets is null ? null : new JsonArray([.. entry.Record.Wallets.Select(wallet => (JsonNode)wallet)]),
                ["created"] = entry.Record.Created.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                ["revoked"] = entry.Record.Revoked,
            };
            if (entry.Record.PolicySha256 is { } policy)
            {
                agent["policy_sha256"] = policy;
            }

            if (entry.Record.OAuthSubject is { } subject)
            {
                // No token of its own: the hash field is left out rather than holding a hash no token has.
                agent.Remove("token_sha256");
                agent["oauth_subject"] = subject;
                if (entry.Record.OAuthIssuer is { } issuer)
                {
                    agent["oauth_issuer"] = issuer;
                }
            }

            agents.Add((JsonNode)agent);
        }

        var bytes = Encoding.UTF8.GetBytes(new JsonObject { ["version"] = FormatVersion, ["agents"] = agents }.ToJsonString());
        ProtectedFile.WriteAtomic(_path, bytes, MaximumFileBytes);
        // The file first, then its hash in the vault: between the two the list is refused (closed), never trusted unrecorded.
        var hash = SHA256.HashData(bytes);
        _vault.Update(_unlock(), vault =>
        {
            vault.SetSetting(VaultSettingNames.AgentsSha256, hash);
            return true;
        });
        Volatile.Write(ref _recorded, null);
    }

    private sealed record Entry(AgentRecord Record, byte[] TokenSha256);

    private sealed record RecordedHash(long Generation, byte[] Recorded);
}
