using System.Security.Cryptography;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.State;

namespace HsmWallet.Core.Unlocking.Lockout;

/// <summary>
/// Counts failed unlocks of every unlocker in `state/lockout.json` (HMAC-protected with `state/state.key`), in the
/// state store (so instances sharing a database share one count: more instances buy no more guesses),
/// and refuses unlocking while locked, before any KDF runs. A restart does not reset it; an edited or
/// unreadable record denies; a deleted record starts a fresh lockout period (see docs/vault-format.md).
/// </summary>
public sealed class LockoutGuard
{
    /// <summary>The record's file name under `state/`.</summary>
    public const string RecordFileName = "lockout.json";

    /// <summary>The HMAC key's file name under `state/`.</summary>
    public const string KeyFileName = "state.key";

    private readonly IStateStore _store;
    private readonly string _recordPath;
    private readonly string _keyPath;
    private readonly TimeProvider _time;
    private readonly LockoutPolicy _policy;

    /// <summary>Guards unlocking with the record in the folder <paramref name="stateDirectory"/> of a home (the file backend).</summary>
    public LockoutGuard(string stateDirectory, TimeProvider? time = null, LockoutPolicy? policy = null)
        : this(
            new FileStateStore(Path.GetDirectoryName(Path.GetFullPath(stateDirectory ?? throw new ArgumentNullException(nameof(stateDirectory)))) ?? "/"),
            time,
            policy,
            Path.GetFileName(Path.GetFullPath(stateDirectory)))
    {
    }

    /// <summary>Guards unlocking with the record kept in <paramref name="store"/> (in <paramref name="folder"/>, state/ unless a test isolates one).</summary>
    public LockoutGuard(IStateStore store, TimeProvider? time = null, LockoutPolicy? policy = null, string folder = "state")
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        StateName.CheckFolder(folder);
        _recordPath = folder + "/" + RecordFileName;
        _keyPath = folder + "/" + KeyFileName;
        _time = time ?? TimeProvider.System;
        _policy = policy ?? LockoutPolicy.Default;
    }

    /// <summary>Creates an empty record (and its key) when a vault is created; an existing valid record is kept.</summary>
    public void Initialize() => _store.ExclusiveOnItsOwn(_recordPath, session =>
    {
        if (session.Read(_recordPath) is not null)
        {
            return false;
        }

        using var key = LoadOrCreateKey(session);
        session.Write(_recordPath, new LockoutRecord().Serialize(key.ReadOnlySpan));
        return true;
    });

    /// <summary>
    /// Throws <see cref="LockedOutException"/> while unlocking is locked; reads only (no KDF, no write unless
    /// the record is missing). Returns whether the record holds failures or lockouts a success should clear.
    /// </summary>
    public bool ThrowIfLockedOut() => WithRecord((_, _, record) =>
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (record.LockedUntil is { } until && until > now)
        {
            throw Locked(until);
        }

        return record.Attempts.Count > 0 || record.Lockouts > 0 || record.LockedUntil is not null;
    });

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
    /// How many more wrong passwords or PINs are accepted before the lockout begins (0 while locked), for
    /// `status` and for failures that tested no secret; null when the record cannot be read.
    /// </summary>
    public int? TriesLeft()
    {
        try
        {
            return WithRecord((_, _, record) =>
            {
                var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
                return record.LockedUntil is { } until && until > now ? 0 : Remaining(record, now);
            });
        }
        catch (LockedOutException exception)
        {
            return exception.LockedUntil is null ? null : 0;
        }
    }

    /// <summary>
    /// Records an attempt as failed before the KDF runs (so a crash or a parallel guess still counts) and
    /// locks once the limit is reached; the returned attempt clears it on success or cancellation.
    /// </summary>
    public LockoutAttempt BeginAttempt() => Count(throwIfLocked: true);

    /// <summary>
    /// Records a failure after the fact (slots whose secret cannot be guessed: key files, recovery keys, devices
    /// with their own counter). While a lockout runs it changes nothing: it neither extends nor doubles it.
    /// </summary>
    public LockoutCount RecordFailure() => Count(throwIfLocked: false).Standing;

    /// <summary>A success clears failures and the doubling.</summary>
    public void RecordSuccess() => Succeed();

    /// <summary>
    /// A high-entropy slot opened the vault during a lockout: the lock ends now, but the password and PIN get one
    /// try only (the right one clears everything, a wrong one locks again at once for the next, doubled period),
    /// so alternating slot kinds buys at most one guess per high-entropy success. Unreadable records are left
    /// for the operator (the message says how to repair them).
    /// </summary>
    public void Lift()
    {
        try
        {
            Update(record =>
            {
                var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
                if (record.LockedUntil is not { } until || until <= now)
                {
                    return false;
                }

                record.LockedUntil = null;
                record.Attempts.Clear();
                for (var i = 0; i < _policy.MaximumFailures - 1; i++)
                {
                    record.Attempts.Add((Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), now));
                }

                return true;
            });
        }
        catch (LockedOutException)
        {
            // A damaged record stays as it is: guessable slots stay refused until the operator repairs it.
        }
    }

    private int Remaining(LockoutRecord record, long now)
    {
        var windowStart = now - (long)_policy.Window.TotalMilliseconds;
        var expired = record.LockedUntil is { } until && until <= now ? until : long.MinValue;
        var counted = record.Attempts.Count(attempt => attempt.At > windowStart && attempt.At >= expired);
        return Math.Max(0, _policy.MaximumFailures - counted);
    }

    private LockoutAttempt Count(bool throwIfLocked) => WithRecord((session, key, record) => Count(session, key, record, throwIfLocked));

    private LockoutAttempt Count(IStateSession session, SecureBuffer key, LockoutRecord record, bool throwIfLocked)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (record.LockedUntil is { } until && until > now)
        {
            if (throwIfLocked)
            {
                throw Locked(until);
            }

            return new LockoutAttempt(this, string.Empty, null, null, new LockoutCount(0, DateTimeOffset.FromUnixTimeMilliseconds(until)));
        }

        var windowStart = now - (long)_policy.Window.TotalMilliseconds;
        record.Attempts.RemoveAll(attempt => attempt.At <= windowStart);
        if (record.LockedUntil is { } ended && ended <= now)
        {
            // The failures that led to a lock that has run out are spent: a fresh set of tries follows it.
            record.Attempts.RemoveAll(attempt => attempt.At < ended);
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        record.Attempts.Add((id, now));
        long? lockSetTo = null;
        var previousUntil = record.LockedUntil;
        if (record.Attempts.Count >= _policy.MaximumFailures)
        {
            record.Lockouts++;
            record.LockedUntil = now + (long)_policy.LockoutLength(record.Lockouts).TotalMilliseconds;
            lockSetTo = record.LockedUntil;
        }

        session.Write(_recordPath, record.Serialize(key.ReadOnlySpan));
        var standing = new LockoutCount(
            Math.Max(0, _policy.MaximumFailures - record.Attempts.Count),
            lockSetTo is { } set ? DateTimeOffset.FromUnixTimeMilliseconds(set) : null);
        return new LockoutAttempt(this, id, lockSetTo, previousUntil, standing);
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

    private void Update(Func<LockoutRecord, bool> change) => WithRecord((session, key, record) =>
    {
        if (change(record))
        {
            session.Write(_recordPath, record.Serialize(key.ReadOnlySpan));
        }

        return true;
    });

    private static LockedOutException Locked(long until) =>
        new(DateTimeOffset.FromUnixTimeMilliseconds(until), "too many failed unlocks");

    /// <summary>
    /// Runs <paramref name="work"/> on the verified record under its lock in the store, in a session of its own (a
    /// failure counted inside a signature that then fails still counts). A missing record starts a lockout: the fresh
    /// locked record is written (and kept: the session ends normally) before the refusal is thrown.
    /// </summary>
    private T WithRecord<T>(Func<IStateSession, SecureBuffer, LockoutRecord, T> work)
    {
        var (started, result) = _store.ExclusiveOnItsOwn(_recordPath, session =>
        {
            if (session.Read(_recordPath) is null)
            {
                // Deleting the record must not buy more guesses: its absence counts as a new lockout.
                using var newKey = LoadOrCreateKey(session);
                var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
                var fresh = new LockoutRecord
                {
                    Lockouts = 1,
                    LockedUntil = now + (long)_policy.LockoutLength(1).TotalMilliseconds,
                };
                session.Write(_recordPath, fresh.Serialize(newKey.ReadOnlySpan));
                return (fresh.LockedUntil, default(T));
            }

            using var key = Load(session, out var record);
            return ((long?)null, work(session, key, record));
        });
        if (started is { } until)
        {
            throw new LockedOutException(
                DateTimeOffset.FromUnixTimeMilliseconds(until),
                $"the lockout record {_recordPath} was missing, so a lockout period starts now");
        }

        return result!;
    }

    /// <summary>Loads and verifies the record, which exists; call inside its scope.</summary>
    private SecureBuffer Load(IStateSession session, out LockoutRecord record)
    {
        var key = ReadKey(session) ?? throw Damaged();
        try
        {
            if (key.Length != 32)
            {
                throw Damaged();
            }

            record = LockoutRecord.Parse(session.Read(_recordPath) ?? throw Damaged(), key.ReadOnlySpan);
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

    private SecureBuffer LoadOrCreateKey(IStateSession session)
    {
        if (ReadKey(session) is { } existing)
        {
            return existing;
        }

        var key = SecureBuffer.Random(32);
        session.Write(_keyPath, key.ReadOnlySpan);
        return key;
    }

    // The key's bytes leave the store in a plain array: copied into a pinned buffer and the array zeroed at once.
    private SecureBuffer? ReadKey(IStateSession session)
    {
        var bytes = session.Read(_keyPath);
        if (bytes is null)
        {
            return null;
        }

        try
        {
            return SecureBuffer.CopyOf(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
