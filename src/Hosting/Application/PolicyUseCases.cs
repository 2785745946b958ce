using System.Text;
using HsmWallet.Core;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Unlocking;
using HsmWallet.Core.Vault;

namespace HsmWallet.Hosting.Application;

/// <summary>The policy as `policy show` reports it: the file, whether it matches the hash the vault recorded, and why not.</summary>
/// <param name="Path">The policy file.</param>
/// <param name="Exists">True when the file exists (else the built-in defaults apply).</param>
/// <param name="Loaded">The policy read (its document, or the problem found).</param>
/// <param name="Trusted">True when it matches the vault's recorded hash; null when that could not be checked.</param>
/// <param name="Unverified">Why it was not checked (locked out, no secret given), or null.</param>
public sealed record PolicyView(string Path, bool Exists, PolicyFile Loaded, bool? Trusted, string? Unverified);

/// <summary>A policy made the one in force.</summary>
/// <param name="Path">The policy file written.</param>
/// <param name="Sha256">Its hash, now recorded in the vault.</param>
/// <param name="Changes">What changed from the previous policy, in words.</param>
public sealed record PolicyChange(string Path, string Sha256, IReadOnlyList<string> Changes);

/// <summary>Show and set the signing policy: the file in the home and its hash recorded in the vault, so an edit by anyone but the operator is found.</summary>
public sealed class PolicyUseCases
{
    private readonly WalletVault _vault;
    private readonly Func<UnlockOptions> _unlock;

    /// <summary>Binds the vault and how each operation unlocks.</summary>
    internal PolicyUseCases(WalletVault vault, Func<UnlockOptions> unlock)
    {
        _vault = vault;
        _unlock = unlock;
    }

    /// <summary>
    /// The policy in force. It is public, so it is shown even when no unlock is possible (locked out, no secret given);
    /// only whether it is trusted needs the hash recorded in the vault, and then the view says why that is unknown.
    /// </summary>
    public PolicyView Show()
    {
        var path = _vault.Home.PolicyPath;
        var exists = File.Exists(path);
        string? recorded;
        try
        {
            recorded = _vault.Read(_unlock(), RecordedHash);
        }
        catch (Exception error) when (error is LockedOutException || error is UnlockFailedException { Reason: UnlockFailureReason.NoSecret })
        {
            return new PolicyView(path, exists, PolicyFile.Load(path, Unverified(path)), null, "not checked against the hash recorded in the vault: " + error.Message);
        }

        var loaded = PolicyFile.Load(path, recorded);
        return new PolicyView(path, exists, loaded, loaded.Problem is null, null);
    }

    /// <summary>Makes <paramref name="document"/> the policy in force: the file written and its hash recorded in the vault in one update.</summary>
    public PolicyChange Set(PolicyDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var path = _vault.Home.PolicyPath;
        var changes = _vault.Update(_unlock(), vault =>
        {
            var previous = PolicyFile.Load(path, RecordedHash(vault)).Document ?? PolicyDocument.Default;
            var described = document.DescribeChangesFrom(previous);
            PolicyFile.Save(path, document);
            vault.SetSetting(VaultSettingNames.PolicySha256, Encoding.ASCII.GetBytes(document.Sha256));
            return described;
        });
        return new PolicyChange(path, document.Sha256, changes);
    }

    /// <summary>The file's own hash, so an unverified show parses and prints it (null: no file, the defaults).</summary>
    private static string? Unverified(string path)
    {
        try
        {
            return PolicyFileStore.ReadChecked(path, "policy.json") is { } text ? PolicyDocument.Parse(text).Sha256 : null;
        }
        catch (InvalidInputException)
        {
            return null;
        }
    }

    private static string? RecordedHash(UnlockedVault vault) =>
        vault.HasSetting(VaultSettingNames.PolicySha256)
            ? vault.WithSetting(VaultSettingNames.PolicySha256, value => Encoding.ASCII.GetString(value))
            : null;
}
