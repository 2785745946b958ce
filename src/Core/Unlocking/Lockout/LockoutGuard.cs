using System.Security.Cryptography;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Secrets.Files;

namespace HsmWallet.Core.Unlocking.Lockout;

/// <summary>
/// Counts failed unlocks of every unlocker in `state/lockout.json` (HMAC-protected with `state/state.key`)
/// and refuses unlocking while locked, before any KDF runs. A restart does not reset it; an edited or
/// unreadable record denies; a deleted record starts a fresh lockout period (see docs/vault-format.md).
/// </summary>
public sealed class LockoutGuard
{
    /// <summary>The record's file name under `state/`.</summary>
    public const string RecordFileName = "lockout.json";

    /// <summary>The HMAC key's file name under `state/`.</summary>
    public const string KeyFileName = "state.key";

    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    private readonly string _recordPath;
    private readonly string _keyPath;
    private readonly TimeProvider _time;
    private readonly LockoutPolicy _policy;

    /// <summary>Guards unlocking with the record in <paramref name="stateDirectory"/>.</summary>
    public LockoutGuard(string stateDirectory, TimeProvider? time = null, LockoutPolicy? policy = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateDirectory);
        StateDirectory = stateDirectory;
        _recordPath = Path.Combine(stateDirectory, RecordFileName);
        _keyPath = Path.Combine(stateDirectory, KeyFileName);
        _time = time ?? TimeProvider.System;
        _policy = policy ?? LockoutPolicy.Default;
    }

    /// <summary>The folder holding the record.</summary>
    public string StateDirectory { get; }

    /// <summary>Creates an empty record (and its key) when a vault is created; an existing valid record is kept.</summary>
    public void Initialize()
    {
        ProtectedFile.EnsurePrivateDirectory(StateDirectory);
        using var fileLock = FileLock.Acquire(_recordPath, LockTimeout);
        if (File.Exists(_recordPath))
        {
            return;
        }

        using var key = LoadOrCreateKey();
        ProtectedFile.WriteAtomic(_recordPath, new LockoutRecord().Serialize(key.ReadOnlySpan));
    }

    /// <summary>
    /// Throws <see cref="LockedOutException"/> while unlocking is locked; reads only (no KDF, no write unless
    /// the record is missing). Returns whether the record holds failures or lockouts a success should clear.
    /// </summary>
    public bool ThrowIfLockedOut()
    {
        using var fileLock = FileLock.Acquire(_recordPath, LockTimeout);
        using var key = Load(out var record);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (record.LockedUntil is { } until && until > now)
        {
            throw Locked(until);
        }

        return record.Attempts.Count > 0 || record.Lockouts > 0 || record.LockedUntil is not null;
    }

    /// <summary>When unlocking is possible again: null when possible now, MaxValue while the record is damaged; for `status` and `server_status`.</summary>
    public DateTimeOffset? LockedUntil()
    {
        try
        {
            _ = ThrowIfLockedOut();
            return null;
        }
        catch (LockedOutException exception)
        {
            return exception.LockedUntil ?? DateTimeOffset.MaxValue;
        }
    }

    /// <summary>
    /// Records an attempt as failed before the KDF runs (so a crash or a parallel guess still counts) and
    /// locks once the limit is reached; the returned attempt clears it on success or cancellation.
    /// </summary>
    public LockoutAttempt BeginAttempt() => Count(throwIfLocked: true);

    /// <summary>Records a failure after the fact (unlockers whose secret cannot be guessed, such as key files).</summary>
    public void RecordFailure() => _ = Count(throwIfLocked: false);

    /// <summary>A success clears failures and the doubling.</summary>
    public void RecordSuccess() => Succeed();

    private LockoutAttempt Count(bool throwIfLocked)
    {
        using var fileLock = FileLock.Acquire(_recordPath, LockTimeout);
        using var key = Load(out var record);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (record.LockedUntil is { } until && until > now)
        {
            if (throwIfLocked)
            {
                throw Locked(until);
            }

            return new LockoutAttempt(this, string.Empty, null, null);
        }

        ProtectedFile.DeleteStaleTemporaryFiles(_recordPath);
        var windowStart = now - (long)_policy.Window.TotalMilliseconds;
        record.Attempts.RemoveAll(attempt => attempt.At <= windowStart);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        record.Attempts.Add((id, now));
        long? lockSetTo = null;
        var previousUntil = record.LockedUntil;
        if (record.Attempts.Count >= _policy.MaximumFailures)
        {
            record.Lockouts++;
            record.LockedUntil = now + (long)_policy.LockoutLength(record.Lockouts).TotalMilliseconds;
            lockSetTo = record.LockedUntil;
            record.Attempts.Clear();
        }

        ProtectedFile.WriteAtomic(_recordPath, record.Serialize(key.ReadOnlySpan));
        return new LockoutAttempt(this, id, lockSetTo, previousUntil);
    }

    /// <summary>A success clears failures and the doubling.</summary>
    internal void Succeed()
    {
        Update(record =>
        {
            var changed = record.Attempts.Count > 0 || record.Lockouts > 0 || record.LockedUntil is not null;
            record.Attempts.Clear();
            record.Lockouts = 0;
            record.LockedUntil = null;
            return changed;
        });
    }

    /// <summary>An attempt that never tested a secret (device missing, malformed input) is taken back.</summary>
    internal void Cancel(string id, long? lockSetTo, long? previousUntil)
    {
        Update(record =>
        {
            var removed = record.Attempts.RemoveAll(attempt => attempt.Id == id) > 0;
            if (lockSetTo is not null && record.LockedUntil == lockSetTo)
            {
                record.Lockouts = Math.Max(0, record.Lockouts - 1);
                record.LockedUntil = previousUntil;
                return true;
            }

            return removed;
        });
    }

    private void Update(Func<LockoutRecord, bool> change)
    {
        using var fileLock = FileLock.Acquire(_recordPath, LockTimeout);
        using var key = Load(out var record);
        if (change(record))
        {
            ProtectedFile.WriteAtomic(_recordPath, record.Serialize(key.ReadOnlySpan));
        }
    }

    private static LockedOutException Locked(long until) =>
        new(DateTimeOffset.FromUnixTimeMilliseconds(until), "too many failed unlocks");

    /// <summary>Loads and verifies the record; call under the lock. A missing record starts a lockout.</summary>
    private SecureBuffer Load(out LockoutRecord record)
    {
        ProtectedFile.EnsurePrivateDirectory(StateDirectory);
        if (!File.Exists(_recordPath))
        {
            // Deleting the record must not buy more guesses: its absence counts as a new lockout.
            using var newKey = LoadOrCreateKey();
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            var fresh = new LockoutRecord
            {
                Lockouts = 1,
                LockedUntil = now + (long)_policy.LockoutLength(1).TotalMilliseconds,
            };
            ProtectedFile.WriteAtomic(_recordPath, fresh.Serialize(newKey.ReadOnlySpan));
            throw new LockedOutException(
                DateTimeOffset.FromUnixTimeMilliseconds(fresh.LockedUntil.Value),
                $"the lockout record {_recordPath} was missing, so a lockout period starts now");
        }

        if (!File.Exists(_keyPath))
        {
            throw Damaged();
        }

        var key = ProtectedFile.ReadSecret(_keyPath);
        try
        {
            if (key.Length != 32)
            {
                throw Damaged();
            }

            record = LockoutRecord.Parse(ProtectedFile.ReadAllBytes(_recordPath), key.ReadOnlySpan);
            return key;
        }
        catch (CryptographicException)
        {
            key.Dispose();
            throw Damaged();
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private LockedOutException Damaged()
    {
        return new LockedOutException(
            null,
            $"the lockout record {_recordPath} failed its integrity check (edited or damaged); " +
            $"remove it to start a fresh {_policy.BaseLockout.TotalMinutes:0}-minute lockout period");
    }

    private SecureBuffer LoadOrCreateKey()
    {
        if (File.Exists(_keyPath))
        {
            return ProtectedFile.ReadSecret(_keyPath);
        }

        var key = SecureBuffer.Random(32);
        ProtectedFile.CreateSecretFile(_keyPath, key.ReadOnlySpan);
        return key;
    }
}
