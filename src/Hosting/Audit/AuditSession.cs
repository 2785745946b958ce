using System.Globalization;
using System.Text;
using HsmWallet.Core.Audit;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Unlocking;
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
    private long recordedSequence;
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
    public Func<UnlockOptions>? KeyCreationUnlock { get; init; }

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
        long queued = 0;
        var stored = vault.Update(unlock, unlocked => StoreKey(unlocked, out slots, out queued));
        Adopt(stored, slots, expected: 0);
        Recorded(queued);
    }

    /// <summary>
    /// `init`: creates the vault with its audit key in the same write, from the vault key the creation holds, so
    /// the operator types each new secret once and nothing is unlocked again.
    /// </summary>
    public IReadOnlyList<SlotAdded> CreateVault(ISecretSource secrets, IReadOnlyList<IKeyProvider> providers)
    {
        IReadOnlyList<SlotInfo> slots = [];
        long queued = 0;
        var (added, stored) = vault.Create(secrets, providers, unlocked => StoreKey(unlocked, out slots, out queued));
        Adopt(stored, slots, expected: 0);
        Recorded(queued);
        return added;
    }

    private SecureBuffer StoreKey(UnlockedVault unlocked, out IReadOnlyList<SlotInfo> slots, out long queued)
    {
        queued = 0;
        if (!unlocked.HasSetting(VaultSettingNames.AuditHmacKey))
        {
            // The entries queued for this unlock are appended right after the vault is written: the vault records
            // that the new chain will hold them, so deleting the log even right after `init` is detected.
            lock (gate)
            {
                queued = beforeOperation.Count;
            }

            unlocked.SetSetting(VaultSettingNames.AuditSequence, Encoding.ASCII.GetBytes(queued.ToString(CultureInfo.InvariantCulture)));
        }

        unlocked.EnsureRandomSetting(VaultSettingNames.AuditHmacKey, KeyLength);
        slots = unlocked.Slots;
        return unlocked.WithSetting(VaultSettingNames.AuditHmacKey, value => SecureBuffer.CopyOf(value));
    }

    private void Recorded(long queued)
    {
        lock (gate)
        {
            recordedSequence = Math.Max(recordedSequence, queued);
            if (writer is not null)
            {
                writer.ExpectedSequence = recordedSequence;
            }
        }
    }

    /// <summary>The state files' seal, keyed from the vault's audit key: unlocks once when the key is not held yet.</summary>
    public StateSeal OpenStateSeal(UnlockOptions unlock)
    {
        EnsureOpen(unlock);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return writer?.StateSeal ?? throw new AuditWriteException("audit: the vault holds no audit key, so the state files cannot be checked");
        }
    }

    /// <summary>
    /// The operator's acknowledgement after checking the home by hand (`state reseal`): the vault records the audit
    /// log as it is now, even when it is shorter than recorded (deleted or cut), so appends can continue from it.
    /// Returns the head sequence recorded. Refused while the head record itself does not verify.
    /// </summary>
    public long AcceptCurrentChain(UnlockOptions unlock)
    {
        ArgumentNullException.ThrowIfNull(unlock);
        EnsureOpen(unlock);
        var accepted = vault.Update(unlock, unlocked =>
        {
            AuditWriter current;
            lock (gate)
            {
                current = writer ?? throw new AuditWriteException("audit: the vault holds no audit key");
            }

            var sequence = current.HeadSequence()
                ?? throw new AuditWriteException("audit: the head record is missing under entries or does not verify; restore the audit folder first (run audit verify)");
            unlocked.SetSetting(VaultSettingNames.AuditSequence, Encoding.ASCII.GetBytes(sequence.ToString(CultureInfo.InvariantCulture)));
            SecureBuffer? held;
            lock (gate)
            {
                held = key;
            }

            // The chain's head in a shared store is the log as it is now too (the operator checked the home).
            if (held is not null)
            {
                options.SharedHead?.Accept(Folder, held.ReadOnlySpan);
            }

            return sequence;
        });
        lock (gate)
        {
            recordedSequence = accepted;
            if (writer is not null)
            {
                writer.ExpectedSequence = accepted;
            }
        }

        return accepted;
    }

    /// <summary>
    /// At a server's start-up: refuses (<see cref="AuditWriteException"/>, naming the cause and the fix) a log that does not
    /// match its chain's head in the shared state store, before any tool runs; nothing when there is no shared head or no key yet.
    /// </summary>
    public void CheckSharedHead()
    {
        SecureBuffer? held;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            held = key;
        }

        // Outside the session's lock: the database is not waited for while holding it.
        if (options.SharedHead is { } shared && held is not null && shared.Verify(Folder, held.ReadOnlySpan) is { Ok: false } comparison)
        {
            throw new AuditWriteException("audit: " + comparison.Message);
        }
    }

    /// <summary>Verifies the log with the held key and the anchor; throws <see cref="AuditWriteException"/> before the first unlock.</summary>
    public AuditVerification Verify()
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var held = key ?? throw new AuditWriteException("audit: the vault has not been unlocked in this process, so the log cannot be verified");
            var verification = AuditVerifier.Verify(Folder, held.ReadOnlySpan, anchor, recordedSequence);
            if (options.SharedHead is not { } shared)
            {
                return verification;
            }

            // The log's end against its chain's head in the shared store: a home behind it, or a second writer, fails verification.
            var comparison = shared.Verify(Folder, held.ReadOnlySpan);
            return verification.Ok && !comparison.Ok
                ? verification with { Ok = false, Problem = AuditProblem.SharedHead, SharedHead = comparison }
                : verification with { SharedHead = comparison };
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
        var recorded = RecordedSequence(unlocked);
        lock (gate)
        {
            recordedSequence = recorded;
            if (writer is not null)
            {
                writer.ExpectedSequence = recorded;
            }
        }

        if (!IsOpen)
        {
            if (!unlocked.HasSetting(VaultSettingNames.AuditHmacKey))
            {
                KeyMissing = true;
                return;
            }

            Adopt(unlocked.WithSetting(VaultSettingNames.AuditHmacKey, value => SecureBuffer.CopyOf(value)), unlocked.Slots, recorded);
        }

        FlushBeforeOperation();
        if (unlocked.IsWritable)
        {
            RecordChain(unlocked, recorded);
        }
    }

    /// <summary>
    /// At every unlock that writes the vault, the vault records that a chain exists and how far it has grown (never
    /// lowering it): at least 1, since the change being written is audited, so deleting the log after the very first
    /// entry is detected too. The writer itself only holds to what the log already had.
    /// </summary>
    private void RecordChain(UnlockedVault unlocked, long recorded)
    {
        AuditWriter? current;
        lock (gate)
        {
            current = writer;
        }

        if (current?.HeadSequence() is long sequence && Math.Max(sequence, 1) > recorded)
        {
            var record = Math.Max(sequence, 1);
            unlocked.SetSetting(VaultSettingNames.AuditSequence, Encoding.ASCII.GetBytes(record.ToString(CultureInfo.InvariantCulture)));
            lock (gate)
            {
                recordedSequence = record;
                current.ExpectedSequence = sequence;
            }
        }
    }

    private static long RecordedSequence(UnlockedVault unlocked) =>
        unlocked.HasSetting(VaultSettingNames.AuditSequence)
            ? unlocked.WithSetting(VaultSettingNames.AuditSequence, value =>
                long.TryParse(Encoding.ASCII.GetString(value), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) ? sequence : long.MaxValue)
            : 0;

    private void Adopt(SecureBuffer candidate, IReadOnlyList<SlotInfo> slots, long expected)
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
                writer = new AuditWriter(Folder, candidate.ReadOnlySpan, WithAnchor(options, anchor)) { ExpectedSequence = expected };
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
        SharedHead = options.SharedHead,
    };
}
