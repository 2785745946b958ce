using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HsmWallet.Core.Vault;

namespace HsmWallet.Core.Approvals;

/// <summary>
/// The enrolled passkey approvers, kept in the vault's authenticated settings (sealed under the vault key with the
/// header and slots as associated data), so no file an agent can write adds an approver or rolls a counter back
/// without the vault's key. At most <see cref="MaximumApprovers"/>; the last one is never removed while
/// <c>keepOne</c> is asked (a policy that requires a passkey).
/// </summary>
public sealed class PasskeyApproverStore
{
    /// <summary>The most approvers a vault holds (their JSON stays within one setting's size bound).</summary>
    public const int MaximumApprovers = 8;

    /// <summary>The longest approver name.</summary>
    public const int MaximumNameLength = 32;

    private readonly WalletVault _vault;
    private readonly Func<UnlockOptions> _unlock;

    /// <summary>Binds the vault holding the approvers and how each operation unlocks it.</summary>
    public PasskeyApproverStore(WalletVault vault, Func<UnlockOptions> unlock)
    {
        ArgumentNullException.ThrowIfNull(vault);
        ArgumentNullException.ThrowIfNull(unlock);
        _vault = vault;
        _unlock = unlock;
    }

    /// <summary>Every enrolled approver, in enrolment order.</summary>
    public IReadOnlyList<EnrolledApprover> List() => _vault.Read(_unlock(), Load);

    /// <summary>Enrols <paramref name="approver"/>: a new name (1 to 32 letters, digits, '.', '_', '-') and a credential not enrolled yet, within the bound.</summary>
    public void Add(EnrolledApprover approver)
    {
        ArgumentNullException.ThrowIfNull(approver);
        CheckName(approver.Name);
        _vault.Update(_unlock(), vault =>
        {
            var approvers = Load(vault).ToList();
            if (approvers.Any(known => string.Equals(known.Name, approver.Name, StringComparison.Ordinal)))
            {
                throw new InvalidInputException("name", "is already an enrolled approver; remove it first or choose another name");
            }

            if (approvers.Any(known => string.Equals(known.CredentialId, approver.CredentialId, StringComparison.Ordinal)))
            {
                throw new InvalidInputException("credential", "is already enrolled under another name");
            }

            if (approvers.Count >= MaximumApprovers)
            {
                throw new InvalidInputException("name", $"the vault holds at most {MaximumApprovers} approvers; remove one first");
            }

            approvers.Add(approver);
            Save(vault, approvers);
            return true;
        });
    }

    /// <summary>Removes the approver named <paramref name="name"/>; refused when none has that name, or when it is the last and <paramref name="keepOne"/>.</summary>
    public void Remove(string name, bool keepOne)
    {
        _vault.Update(_unlock(), vault =>
        {
            var approvers = Load(vault).ToList();
            var index = approvers.FindIndex(known => string.Equals(known.Name, name, StringComparison.Ordinal));
            if (index < 0)
            {
                throw new InvalidInputException("name", "names no enrolled approver");
            }

            if (keepOne && approvers.Count == 1)
            {
                throw new InvalidInputException("name", "is the last enrolled approver and approvals require a passkey; enrol another first");
            }

            approvers.RemoveAt(index);
            Save(vault, approvers);
            return true;
        });
    }

    /// <summary>
    /// Verifies <paramref name="assertion"/> over <paramref name="challenge"/> with <paramref name="verifier"/> against the
    /// enrolled approvers and stores the new counter in the same vault update, so the same assertion cannot count twice.
    /// </summary>
    public EnrolledApprover VerifyAndAdvance(IApprovalAssertionVerifier verifier, PasskeyAssertion assertion, byte[] challenge)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(assertion);
        return _vault.Update(_unlock(), vault =>
        {
            var approvers = Load(vault).ToList();
            if (approvers.Count == 0)
            {
                throw new ApprovalException("approval_declined", "no passkey approver is enrolled (`hsmwallet approver add NAME`); nothing was signed or changed");
            }

            var verified = verifier.Verify(assertion.ResponseJson, challenge, approvers);
            var index = approvers.FindIndex(known => string.Equals(known.CredentialId, verified.Approver.CredentialId, StringComparison.Ordinal));
            if (index < 0)
            {
                throw new ApprovalException("approval_declined", "the assertion is not from an enrolled approver; nothing was signed or changed");
            }

            approvers[index] = approvers[index] with { SignCount = verified.SignCount };
            Save(vault, approvers);
            return approvers[index];
        });
    }

    /// <summary>Refuses a name that is empty, too long, or not letters, digits, '.', '_' or '-'.</summary>
    public static void CheckName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaximumNameLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            throw new InvalidInputException("name", $"must be 1 to {MaximumNameLength} ASCII letters, digits, '.', '_' or '-'");
        }
    }

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
                    item["sign_count"]!.GetValue<uint>())).ToList();
            }
            catch (Exception error) when (error is JsonException or NullReferenceException or FormatException or InvalidOperationException)
            {
                throw new VaultIntegrityException("vault settings: the passkey approvers are malformed");
            }
        });
    }

    private static void Save(UnlockedVault vault, List<EnrolledApprover> approvers)
    {
        var array = new JsonArray([.. approvers.Select(approver => (JsonNode)new JsonObject
        {
            ["name"] = approver.Name,
            ["credential_id"] = approver.CredentialId,
            ["public_key"] = Convert.ToBase64String(approver.PublicKey),
            ["sign_count"] = approver.SignCount,
        })]);
        vault.SetSetting(VaultSettingNames.PasskeyApprovers, Encoding.UTF8.GetBytes(array.ToJsonString()));
    }
}
