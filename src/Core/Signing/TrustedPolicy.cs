using System.Security.Cryptography;
using System.Text;
using HsmWallet.Core.Policy;
using HsmWallet.Core.Vault;

namespace HsmWallet.Core.Signing;

/// <summary>
/// The policy file checked against the SHA-256 the vault recorded at `policy set`. The recorded hash is read from
/// every unlock this process makes; only when the file on disk no longer matches what was last seen does it cost
/// one extra unlock to learn whether an operator re-applied it. A mismatch denies everything.
/// </summary>
internal sealed class TrustedPolicy
{
    private readonly WalletVault _vault;
    private readonly object _gate = new();
    private string? _recordedHash;
    private bool _known;
    private string? _retriedFileHash;

    public TrustedPolicy(WalletVault vault)
    {
        _vault = vault;
        vault.Unlocked += Capture;
    }

    /// <summary>The policy as trusted now; unlocks at most once, and only when the recorded hash must be (re)read.</summary>
    public PolicyFile Load(UnlockOptions unlock)
    {
        bool known;
        lock (_gate)
        {
            known = _known;
        }

        if (!known)
        {
            _vault.Read(unlock, _ => 0);
        }

        var policy = LoadWithoutUnlock();
        if (policy.Problem is null)
        {
            return policy;
        }

        // The file differs from the hash this process knows: maybe an operator re-applied it since. Ask the
        // vault once per distinct file content, so a hand-edited file cannot make every call unlock.
        var fileHash = FileHash();
        lock (_gate)
        {
            if (fileHash is null || fileHash == _retriedFileHash)
            {
                return policy;
            }

            _retriedFileHash = fileHash;
        }

        _vault.Read(unlock, _ => 0);
        return LoadWithoutUnlock();
    }

    /// <summary>The policy as trusted by the hash of the last unlock, without unlocking (inside a signing unlock).</summary>
    public PolicyFile LoadWithoutUnlock()
    {
        lock (_gate)
        {
            return PolicyFile.Load(_vault.Home.PolicyPath, _recordedHash);
        }
    }

    private void Capture(UnlockedVault vault)
    {
        var recorded = vault.HasSetting(VaultSettingNames.PolicySha256)
            ? vault.WithSetting(VaultSettingNames.PolicySha256, value => Encoding.ASCII.GetString(value))
            : null;
        lock (_gate)
        {
            _recordedHash = recorded;
            _known = true;
        }
    }

    /// <summary>A cheap fingerprint of the file's bytes, to notice a change made by another process.</summary>
    private string? FileHash()
    {
        try
        {
            return File.Exists(_vault.Home.PolicyPath)
                ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(_vault.Home.PolicyPath)))
                : "absent";
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
