using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Core.Vault;

namespace HsmWallet.Core.Approvals;

/// <summary>
/// The enrolled passkey approvers, kept in the vault's authenticated settings (sealed under the vault key with the
/// header and slots as associated data), so no file an agent can write adds an approver, rolls a counter back, forgets
/// a spent nonce or weakens the approval mode without the vault's key. At most <see cref="MaximumApprovers"/> active;
/// removed ones stay, retired, so an auditor can still check what they approved. The last one is never removed while
/// <c>keepOne</c> is asked (a policy that requires a passkey).
/// </summary>
public sealed class PasskeyApproverStore
{
    /// <summary>The most active approvers a vault holds (their JSON stays within one setting's size bound).</summary>
    public const int MaximumApprovers = 8;

    /// <summary>The most retired approvers kept for audit; the oldest goes when a ninth is retired.</summary>
    public const int MaximumRetired = 8;

    /// <summary>The longest approver name.</summary>
    public const int MaximumNameLength = 32;

    /// <summary>The most passkey approvals within <see cref="PasskeyChallenge.MaximumAge"/>; beyond it approvals are refused until old nonces age out.</summary>
    public const int MaximumSpentNonces = VaultSettings.MaximumValueLength / PasskeyChallenge.NonceLength;

    private readonly WalletVault _vault;
    private readonly Func<UnlockOptions> _unlock;
    private readonly TimeProvider _time;
    private Snapshot? _snapshot;

    /// <summary>Binds the vault holding the approvers, how each operation unlocks it, and a clock (a fake one in tests).</summary>
    public PasskeyApproverStore(WalletVault vault, Func<UnlockOptions> unlock, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(vault);
        ArgumentNullException.ThrowIfNull(unlock);
        _vault = vault;
        _unlock = unlock;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Every active approver, in enrolment order.</summary>
    public IReadOnlyList<EnrolledApprover> List() => [.. ListAll().Where(approver => !approver.Retired)];

    /// <summary>Every approver the vault remembers, retired ones included (an auditor checks old approvals against them).</summary>
    public IReadOnlyList<EnrolledApprover> ListAll() => Current().Approvers;

    /// <summary>The weakest approval mode a host may use: the operator's setting, else passkey once an approver is enrolled, else form.</summary>
    public ApprovalMode Mode() => Current().Mode;

    /// <summary>
    /// Keeps what an unlock of the same vault (by another handle: the signing path's) read, so asking for the mode or the
    /// approvers needs no unlock of its own while the vault file has not changed. Only authenticated content is kept; a
    /// changed file (another generation) is read again through an unlock.
    /// </summary>
    public void Observe(UnlockedVault vault)
    {
        ArgumentNullException.ThrowIfNull(vault);
        Volatile.Write(ref _snapshot, new Snapshot(vault.Generation, Load(vault), ModeOf(vault)));
    }

    private Snapshot Current()
    {
        if (Volatile.Read(ref _snapshot) is { } known && known.Generation == _vault.StoredGeneration())
        {
            return known;
        }

        return _vault.Read(_unlock(), vault =>
        {
            var fresh = new Snapshot(vault.Generation, Load(vault), ModeOf(vault));
            Volatile.Write(ref _snapshot, fresh);
            return fresh;
        });
    }

    private sealed record Snapshot(long Generation, List<EnrolledApprover> Approvers, ApprovalMode Mode);

    /// <summary>The operator sets the weakest approval mode hosts may use (passkey needs an enrolled approver).</summary>
    public void SetMode(ApprovalMode mode) => _vault.Update(_unlock(), vault =>
    {
        if (mode == ApprovalMode.Passkey && !Load(vault).Any(approver => !approver.Retired))
        {
            throw new InvalidInputException("mode", "passkey needs an enrolled approver first (`hsmwallet approver add NAME`)");
        }

        vault.SetSetting(VaultSettingNames.ApprovalMode, Encoding.UTF8.GetBytes(ApprovalModes.Name(mode)));
        return true;
    });

    /// <summary>Enrols <paramref name="approver"/>: a new name (1 to 32 letters, digits, '.', '_', '-') and a credential not enrolled yet, within the bound.</summary>
    public void Add(EnrolledApprover approver)
    {
        ArgumentNullException.ThrowIfNull(approver);
        CheckName(approver.Name);
        _vault.Update(_unlock(), vault =>
        {
            var approvers = Load(vault);
            if (approvers.Any(known => !known.Retired && string.Equals(known.Name, approver.Name, StringComparison.Ordinal)))
            {
                throw new InvalidInputException("name", "is already an enrolled approver; remove it first or choose another name");
            }

            if (approvers.Any(known => string.Equals(known.CredentialId, approver.CredentialId, StringComparison.Ordinal)))
            {
                throw new InvalidInputException("credential", "is already enrolled (or was, and is kept retired for audit); use another passkey");
            }

            if (approvers.Count(known => !known.Retired) >= MaximumApprovers)
            {
                throw new InvalidInputException("name", $"the vault holds at most {MaximumApprovers} approvers; remove one first");
            }

            approvers.Add(approver with { Retired = false });
            Save(vault, approvers);
            return true;
        });
    }

    /// <summary>Retires the approver named <paramref name="name"/>; refused when none has that name, or when it is the last and <paramref name="keepOne"/> or the operator has not chosen a weaker mode than passkey.</summary>
    public void Remove(string name, bool keepOne)
    {
        _vault.Update(_unlock(), vault =>
        {
            var approvers = Load(vault);
            var index = approvers.FindIndex(known => !known.Retired && string.Equals(known.Name, name, StringComparison.Ordinal));
            if (index < 0)
            {
                throw new InvalidInputException("name", "names no enrolled approver");
            }

            // The last approver going would silently weaken every approval to a form: only after the operator chose a weaker mode on purpose.
            if ((keepOne || ExplicitMode(vault) is null or ApprovalMode.Passkey) && approvers.Count(known => !known.Retired) == 1)
            {
                throw new InvalidInputException("name", "is the last enrolled approver and approvals require a passkey; enrol another first, or choose a weaker mode on purpose (`hsmwallet approver mode operator`)");
            }

            approvers[index] = approvers[index] with { Retired = true };
            var retired = approvers.Where(known => known.Retired).ToList();
            if (retired.Count > MaximumRetired)
            {
                approvers.Remove(retired[0]);
            }

            Save(vault, approvers);
            return true;
        });
    }

    /// <summary>
    /// A nonce for an approval page listening on loopback <paramref name="port"/>, authenticated with the vault's nonce key
    /// (created on first use), so only pages of this vault's holders can draw challenges Core will count.
    /// </summary>
    public string IssueNonce(int port) => _vault.Update(_unlock(), vault =>
    {
        vault.EnsureRandomSetting(VaultSettingNames.ApprovalNonceKey, 32);
        return vault.WithSetting(VaultSettingNames.ApprovalNonceKey, key => PasskeyChallenge.Issue(key, port, _time.GetUtcNow()));
    });

    /// <summary>
    /// The page's check of an answer before it records it: <paramref name="approval"/> verifies over <paramref name="binding"/>
    /// with its nonce, on the nonce's own page origin, by an active approver (the one it names, when it names one), and its nonce is not spent;
    /// nothing is stored (Core stores the counter and the nonce when it acts, in <see cref="VerifyAndSpend"/>).
    /// </summary>
    public EnrolledApprover Verify(IApprovalAssertionVerifier verifier, PasskeyApproval approval, string binding)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(approval);
        return _vault.Read(_unlock(), vault => Check(vault, verifier, approval, binding).Verified.Approver);
    }

    /// <summary>
    /// Core's check when it acts on a grant: as <see cref="Verify"/>, then stores the new counter and marks the nonce spent
    /// in the same vault update, so the same assertion can never count twice, even where an authenticator keeps no counter.
    /// </summary>
    public EnrolledApprover VerifyAndSpend(IApprovalAssertionVerifier verifier, PasskeyApproval approval, string binding)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(approval);
        return _vault.Update(_unlock(), vault =>
        {
            var (verified, approvers, spent) = Check(vault, verifier, approval, binding);
            var index = approvers.FindIndex(known => string.Equals(known.CredentialId, verified.Approver.CredentialId, StringComparison.Ordinal));
            approvers[index] = approvers[index] with { SignCount = verified.SignCount };
            Save(vault, approvers);
            spent.Add(Convert.FromHexString(approval.Assertion.Nonce));
            SaveSpent(vault, spent);
            return approvers[index];
        });
    }

    /// <summary>
    /// An auditor's check of a recorded approval: the assertion verifies over <paramref name="binding"/> and its nonce, on the
    /// nonce's page origin, by the named approver (retired ones included); neither the nonce's age, nor spent nonces, nor counters matter.
    /// </summary>
    public EnrolledApprover VerifyRecorded(IApprovalAssertionVerifier verifier, PasskeyApproval approval, string binding)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(approval);
        return _vault.Read(_unlock(), vault =>
        {
            var named = Load(vault).Where(known => string.Equals(known.Name, approval.Approver, StringComparison.Ordinal)).ToList();
            if (named.Count == 0)
            {
                throw new ApprovalException("approval_declined", "approver " + approval.Approver + " is not known to this vault");
            }

            var port = vault.WithSetting(VaultSettingNames.ApprovalNonceKey, key => PasskeyChallenge.Check(key, approval.Assertion.Nonce, DateTimeOffset.FromUnixTimeSeconds(IssuedAt(approval.Assertion.Nonce))));
            return verifier.Verify(approval.Assertion.ResponseJson, PasskeyChallenge.For(binding, approval.Assertion.Nonce), OriginFor(port), named, checkCounter: false).Approver;
        });
    }

    /// <summary>The origin of an approval page on loopback <paramref name="port"/>: what the browser writes into an assertion made there.</summary>
    public static string OriginFor(int port) => "http://localhost:" + port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Refuses a name that is empty, too long, or not letters, digits, '.', '_' or '-'.</summary>
    public static void CheckName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaximumNameLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            throw new InvalidInputException("name", $"must be 1 to {MaximumNameLength} ASCII letters, digits, '.', '_' or '-'");
        }
    }

    private (PasskeyVerification Verified, List<EnrolledApprover> Approvers, List<byte[]> Spent) Check(UnlockedVault vault, IApprovalAssertionVerifier verifier, PasskeyApproval approval, string binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var approvers = Load(vault);
        var active = approvers.Where(known => !known.Retired).ToList();
        if (active.Count == 0)
        {
            throw new ApprovalException("approval_declined", "no passkey approver is enrolled (`hsmwallet approver add NAME`); nothing was signed or changed");
        }

        if (!vault.HasSetting(VaultSettingNames.ApprovalNonceKey))
        {
            throw new ApprovalException("approval_declined", "assertion.nonce: was not issued by an approval page of this vault; nothing was signed or changed");
        }

        var now = _time.GetUtcNow();
        var port = vault.WithSetting(VaultSettingNames.ApprovalNonceKey, key => PasskeyChallenge.Check(key, approval.Assertion.Nonce, now));
        var spent = LoadSpent(vault, now);
        var nonce = Convert.FromHexString(approval.Assertion.Nonce);
        if (spent.Any(used => used.AsSpan().SequenceEqual(nonce)))
        {
            throw new ApprovalException("approval_declined", "this passkey approval was already used; approve again on a new page; nothing was signed or changed");
        }

        if (spent.Count >= MaximumSpentNonces)
        {
            throw new ApprovalException("approval_declined", $"more than {MaximumSpentNonces} passkey approvals were used within the last {PasskeyChallenge.MaximumAge.TotalMinutes} minutes; wait for older ones to age out");
        }

        var verified = verifier.Verify(approval.Assertion.ResponseJson, PasskeyChallenge.For(binding, approval.Assertion.Nonce), OriginFor(port), active);
        if (approval.Approver.Length > 0 && !string.Equals(approval.Approver, verified.Approver.Name, StringComparison.Ordinal))
        {
            throw new ApprovalException("approval_declined", "the assertion was made by another approver than the one named; nothing was signed or changed");
        }

        return (verified, approvers, spent);
    }

    private static long IssuedAt(string nonceHex) =>
        nonceHex is { Length: PasskeyChallenge.NonceLength * 2 } && nonceHex.All(char.IsAsciiHexDigitLower)
            ? BinaryPrimitives.ReadInt64BigEndian(Convert.FromHexString(nonceHex[..16]))
            : 0;

    private static ApprovalMode ModeOf(UnlockedVault vault) =>
        ExplicitMode(vault) ?? (Load(vault).Any(approver => !approver.Retired) ? ApprovalMode.Passkey : ApprovalMode.Form);

    private static ApprovalMode? ExplicitMode(UnlockedVault vault) =>
        vault.HasSetting(VaultSettingNames.ApprovalMode)
            ? vault.WithSetting(VaultSettingNames.ApprovalMode, value => Encoding.UTF8.GetString(value) switch
            {
                "form" => ApprovalMode.Form,
                "operator" => ApprovalMode.Operator,
                "passkey" => ApprovalMode.Passkey,
                _ => throw new VaultIntegrityException("vault settings: the approval mode is malformed"),
            })
            : null;

    private static List<byte[]> LoadSpent(UnlockedVault vault, DateTimeOffset now)
    {
        if (!vault.HasSetting(VaultSettingNames.SpentApprovalNonces))
        {
            return [];
        }

        var oldest = (now - PasskeyChallenge.MaximumAge - TimeSpan.FromMinutes(5)).ToUnixTimeSeconds();
        return vault.WithSetting(VaultSettingNames.SpentApprovalNonces, value =>
        {
            if (value.Length % PasskeyChallenge.NonceLength != 0)
            {
                throw new VaultIntegrityException("vault settings: the spent approval nonces are malformed");
            }

            var spent = new List<byte[]>();
            for (var offset = 0; offset < value.Length; offset += PasskeyChallenge.NonceLength)
            {
                var nonce = value.Slice(offset, PasskeyChallenge.NonceLength).ToArray();
                if (BinaryPrimitives.ReadInt64BigEndian(nonce) >= oldest)
                {
                    spent.Add(nonce); // Older ones need no memory: their age alone refuses them.
                }
            }

            return spent;
        });
    }

    private static void SaveSpent(UnlockedVault vault, List<byte[]> spent) =>
        vault.SetSetting(VaultSettingNames.SpentApprovalNonces, [.. spent.SelectMany(nonce => nonce)]);

    private static List<EnrolledApprover> Load(UnlockedVault vault)
    {
        if (!vault.HasSetting(VaultSettingNames.PasskeyApprovers))
        {
            return [];
        }

        return vault.WithSetting(VaultSettingNames.PasskeyApprovers, value =>
        {
            try
            {
                var array = JsonNode.Parse(Encoding.UTF8.GetString(value)) as JsonArray ?? throw new VaultIntegrityException("vault settings: the passkey approvers are malformed");
                return array.Select(item => new EnrolledApprover(
                    item!["name"]!.GetValue<string>(),
                    item["credential_id"]!.GetValue<string>(),
                    Convert.FromBase64String(item["public_key"]!.GetValue<string>()),
                    item["sign_count"]!.GetValue<uint>())
                {
                    Retired = item["retired"]?.GetValue<bool>() ?? false,
                }).ToList();
            }
            catch (Exception error) when (error is JsonException or NullReferenceException or FormatException or InvalidOperationException)
            {
                throw new VaultIntegrityException("vault settings: the passkey approvers are malformed");
            }
        });
    }

    private static void Save(UnlockedVault vault, List<EnrolledApprover> approvers)
    {
        var array = new JsonArray([.. approvers.Select(approver =>
        {
            var item = new JsonObject
            {
                ["name"] = approver.Name,
                ["credential_id"] = approver.CredentialId,
                ["public_key"] = Convert.ToBase64String(approver.PublicKey),
                ["sign_count"] = approver.SignCount,
            };
            if (approver.Retired)
            {
                item["retired"] = true;
            }

            return (JsonNode)item;
        })]);
        vault.SetSetting(VaultSettingNames.PasskeyApprovers, Encoding.UTF8.GetBytes(array.ToJsonString()));
    }
}
