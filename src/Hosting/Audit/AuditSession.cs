using HsmWallet.Core.Audit;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Vault;

namespace HsmWallet.Hosting.Audit;

/// <summary>
/// The audit log of one host process: takes the HMAC key from the first unlock the operation itself
/// performs (one unlock gives both), holds it in a secure buffer for the process's life, and appends
/// through one writer. Before any unlock it refuses to append, so nothing is ever recorded unauthenticated.
/// </summary>
public sealed class AuditSession : IAuditLog, IDisposable
{
    /// <summary>The length of the audit HMAC key the vault holds.</summary>
    public const int KeyLength = 32;

    private readonly WalletVault vault;
    private readonly Func<IReadOnlyList<SlotInfo>, IAuditAnchor?> chooseAnchor;
    private readonly AuditWriterOptions options;
    private readonly Lock gate = new();
    private readonly List<AuditEvent> beforeOperation = [];
    private SecureBuffer? key;
    private AuditWriter? writer;
    private IAuditAnchor? anchor;
    private bool disposed;

    /// <summary>Subscribes to the vault's unlocks; <paramref name="anchor"/> overrides any anchor in <paramref name="options"/>.</summary>
    public AuditSession(WalletVault vault, IAuditAnchor? anchor = null, AuditWriterOptions? options = null)
        : this(vault, _ => anchor ?? options?.Anchor, options)
    {
    }

    /// <summary>
    /// Subscribes to the vault's unlocks; the anchor is chosen at the first unlock from the slot table that
    /// unlock authenticated, so a host can anchor in the TPM of a vault that has a TPM slot.
    /// </summary>
    public AuditSession(WalletVault vault, Func<IReadOnlyList<SlotInfo>, IAuditAnchor?> chooseAnchor, AuditWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vault);
        ArgumentNullException.ThrowIfNull(chooseAnchor);
        this.vault = vault;
        this.chooseAnchor = chooseAnchor;
        this.options = options ?? new AuditWriterOptions();
        Folder = vault.Home.AuditDirectory;
        vault.Unlocked += OnUnlocked;
    }

    /// <summary>The home's audit folder.</summary>
    public string Folder { get; }

    /// <summary>True once the key is held and entries can be appended.</summary>
    public bool IsOpen
    {
        get
        {
            lock (gate)
            {
                return writer is not null;
            }
        }
    }

    /// <summary>True when the vault was unlocked in this process but holds no audit key yet (a vault older than the audit log).</summary>
    public bool KeyMissing { get; private set; }

    /// <summary>True once the vault has been unlocked in this process (with or without an audit key in it).</summary>
    public bool SawUnlock => IsOpen || KeyMissing;

    /// <summary>The anchor in use, once chosen (null before the first unlock or when there is none).</summary>
    public IAuditAnchor? Anchor
    {
        get
        {
            lock (gate)
            {
                return anchor;
            }
        }
    }

    /// <summary>
    /// How to unlock for the one vault update that stores a key in a vault older than the audit log, when an
    /// append finds the key missing (the host's own unlock options); null means such an append fails.
    /// </summary>
    public Func<UnlockOptions>? KeyCreationUnlock { get; set; }

    /// <summary>Appends one event durably; throws <see cref="AuditWriteException"/> before the first unlock or when the append fails.</summary>
    public AuditEntry Append(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        if (!IsOpen && KeyMissing && KeyCreationUnlock is { } unlock)
        {
            EnsureKey(unlock());
        }

        AuditWriter current;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            current = writer ?? throw new AuditWriteException(
                "audit: the vault has not been unlocked in this process, so no entry can be recorded");
        }

        return current.Append(auditEvent);
    }

    /// <summary>
    /// Queues an event to append at the next unlock, after the key is taken and before the operation runs: an
    /// append that fails there fails the unlock, so the change never happens. Appended at once when open.
    /// </summary>
    public void AppendBeforeOperation(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (writer is null)
            {
                beforeOperation.Add(auditEvent);
                return;
            }
        }

        Append(auditEvent);
    }

    /// <summary>Unlocks once (read-only) unless the key is already held; creates the key when the vault lacks it.</summary>
    public void EnsureOpen(UnlockOptions unlock)
    {
        ArgumentNullException.ThrowIfNull(unlock);
        if (IsOpen)
        {
            return;
        }

        if (!KeyMissing)
        {
            vault.Read(unlock, _ => true);
        }

        if (!IsOpen)
        {
            EnsureKey(unlock);
        }
    }

    /// <summary>
    /// One vault update that stores a random key when the vault has none (at `init`, or once in the life of a
    /// vault older than the audit log) and takes it; the key is used only after the vault file holding it is written.
    /// </summary>
    public void EnsureKey(UnlockOptions unlock)
    {
        ArgumentNullException.ThrowIfNull(unlock);
        if (IsOpen)
        {
            return;
        }

        IReadOnlyList<SlotInfo> slots = [];
        var stored = vault.Update(unlock, unlocked =>
        {
            unlocked.EnsureRandomSetting(VaultSettingNames.AuditHmacKey, KeyLength);
            slots = unlocked.Slots;
            return unlocked.WithSetting(VaultSettingNames.AuditHmacKey, value => SecureBuffer.CopyOf(value));
        });
        Adopt(stored, slots);
    }

    /// <summary>Verifies the log with the held key and the anchor; throws <see cref="AuditWriteException"/> before the first unlock.</summary>
    public AuditVerification Verify()
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var held = key ?? throw new AuditWriteException("audit: the vault has not been unlocked in this process, so the log cannot be verified");
            return AuditVerifier.Verify(Folder, held.ReadOnlySpan, anchor);
        }
    }

    /// <summary>Unsubscribes, closes the writer and zeroes the key.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            vault.Unlocked -= OnUnlocked;
            writer?.Dispose();
            writer = null;
            key?.Dispose();
            key = null;
            beforeOperation.Clear();
        }
    }

    private void OnUnlocked(UnlockedVault unlocked)
    {
        if (!IsOpen)
        {
            if (!unlocked.HasSetting(VaultSettingNames.AuditHmacKey))
            {
                KeyMissing = true;
                return;
            }

            Adopt(unlocked.WithSetting(VaultSettingNames.AuditHmacKey, value => SecureBuffer.CopyOf(value)), unlocked.Slots);
        }

        FlushBeforeOperation();
    }

    private void Adopt(SecureBuffer candidate, IReadOnlyList<SlotInfo> slots)
    {
        lock (gate)
        {
            if (disposed || writer is not null)
            {
                candidate.Dispose();
                ObjectDisposedException.ThrowIf(disposed, this);
                return;
            }

            try
            {
                anchor = chooseAnchor(slots);
                writer = new AuditWriter(Folder, candidate.ReadOnlySpan, WithAnchor(options, anchor));
                key = candidate;
                KeyMissing = false;
            }
            catch
            {
                candidate.Dispose();
                throw;
            }
        }

        FlushBeforeOperation();
    }

    private void FlushBeforeOperation()
    {
        while (true)
        {
            AuditEvent next;
            lock (gate)
            {
                if (writer is null || beforeOperation.Count == 0)
                {
                    return;
                }

                next = beforeOperation[0];
                beforeOperation.RemoveAt(0);
            }

            Append(next);
        }
    }

    private static AuditWriterOptions WithAnchor(AuditWriterOptions options, IAuditAnchor? anchor) => new()
    {
        MaxFileBytes = options.MaxFileBytes,
        MaxLineBytes = options.MaxLineBytes,
        LockTimeout = options.LockTimeout,
        TimeProvider = options.TimeProvider,
        Anchor = anchor,
    };
}
