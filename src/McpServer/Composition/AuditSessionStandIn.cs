using System.Security.Cryptography;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Vault;

namespace HsmWallet.McpServer.Composition;

/// <summary>
/// Stand-in for HsmWallet.Hosting.Audit.AuditSession until it lands on main: takes the audit HMAC key from the
/// first unlock of the process (the vault's Unlocked event) and appends through Core's AuditWriter.
/// </summary>
public sealed class AuditSessionStandIn : IAuditLog, IDisposable
{
    private readonly Lock _gate = new();
    private readonly string _folder;
    private byte[]? _key;
    private AuditWriter? _writer;

    /// <summary>Listens to <paramref name="vault"/>'s unlocks for the audit key.</summary>
    public AuditSessionStandIn(WalletVault vault)
    {
        ArgumentNullException.ThrowIfNull(vault);
        _folder = vault.Home.AuditDirectory;
        vault.Unlocked += OnUnlocked;
    }

    /// <summary>Whether an unlock has supplied the key yet.</summary>
    public bool IsKeyed
    {
        get
        {
            lock (_gate)
            {
                return _writer is not null;
            }
        }
    }

    /// <inheritdoc />
    public AuditEntry Append(AuditEvent auditEvent)
    {
        AuditWriter writer;
        lock (_gate)
        {
            writer = _writer ?? throw new AuditWriteException("the audit log has no key yet: no unlock has happened in this process");
        }

        return writer.Append(auditEvent);
    }

    /// <summary>Verifies the chain with the session's key.</summary>
    public AuditVerification Verify()
    {
        lock (_gate)
        {
            return _key is null
                ? throw new AuditWriteException("the audit log has no key yet: no unlock has happened in this process")
                : AuditVerifier.Verify(_folder, _key);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _writer?.Dispose();
            _writer = null;
            if (_key is not null)
            {
                CryptographicOperations.ZeroMemory(_key);
                _key = null;
            }
        }
    }

    private void OnUnlocked(UnlockedVault vault)
    {
        lock (_gate)
        {
            if (_writer is not null || !vault.HasSetting(VaultSettingNames.AuditHmacKey))
            {
                return;
            }

            _key = GC.AllocateArray<byte>(32, pinned: true);
            vault.WithSetting(VaultSettingNames.AuditHmacKey, value =>
            {
                value.CopyTo(_key);
                return true;
            });
            _writer = new AuditWriter(_folder, _key);
        }
    }
}
