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
    /// Counts an attempt before the KDF or the token sees the secret (so a crash or a parallel guess still counts) and
    /// returns it for the caller to settle: <see cref="LockoutAttempt.Failed"/>, <see cref="LockoutAttempt.Succeeded"/> or
    /// <see cref="LockoutAttempt.Cancelled"/>. While it is under test it is pending: at most the limit's worth of
    /// failures and pending attempts exist at once (a further one waits for one to settle, then is refused), and a
    /// pending attempt never settled within <see cref="LockoutPolicy.PendingLimit"/> becomes a failure.
    /// </summary>
    public LockoutAttempt BeginAttempt()
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (WithRecord(Begin) is { } attempt)
            {
                return attempt;
            }

            if (waited.Elapsed >= _policy.InFlightWait)
            {
                var retry = _time.GetUtcNow() + _policy.PendingLimit;
                throw new LockedOutException(
                    retry,
                    $"{_policy.MaximumFailures} password or PIN attempts are already under test or failed; wait for them to finish");
            }

            Thread.Sleep(20);
        }
    }

    /// <summary>
    /// Records a failure after the fact (slots whose secret cannot be guessed: key files, recovery keys, devices
    /// with their own counter). While a lockout runs it changes nothing: it neither extends nor doubles it.
    /// </summary>
    public LockoutCount RecordFailure() => WithRecord((session, key, record) => Fail(session, key, record, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))));

    /// <summary>A success clears failures and the doubling.</summary>
    public void RecordSuccess() => Succeed(string.Empty);

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
                    record.Attempts.Add(new LockoutEntry(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), now));
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

    // Outside a lock: drops what no longer counts and turns attempts pending for too long into failures.
    private void Settle(LockoutRecord record, long now)
    {
        var windowStart = now - (long)_policy.Window.TotalMilliseconds;
        record.Attempts.RemoveAll(attempt => attempt.At <= windowStart);
        if (record.LockedUntil is { } ended && ended <= now)
        {
            // The failures that led to a lock that has run out are spent: a fresh set of tries follows it.
            record.Attempts.RemoveAll(attempt => attempt.At < ended);
        }

        var stale = now - (long)_policy.PendingLimit.TotalMilliseconds;
        for (var i = 0; i < record.Attempts.Count; i++)
        {
            if (record.Attempts[i].Pending && record.Attempts[i].At <= stale)
            {
                record.Attempts[i] = record.Attempts[i] with { Pending = false };
            }
        }
    }

    // Locks when the failures reach the limit; returns the lock's end, or null.
    private long? LockIfAtLimit(LockoutRecord record, long now)
    {
        if (record.Attempts.Count(attempt => !attempt.Pending) < _policy.MaximumFailures)
        {
            return null;
        }

        record.Lockouts++;
        record.LockedUntil = now + (long)_policy.LockoutLength(record.Lockouts).TotalMilliseconds;
        return record.LockedUntil;
    }

    // A new pending attempt, or null while the limit's worth of failures and pending attempts already exist.
    private LockoutAttempt? Begin(IStateSession session, SecureBuffer key, LockoutRecord record)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (record.LockedUntil is { } until && until > now)
        {
            throw Locked(until);
        }

        Settle(record, now);
        if (LockIfAtLimit(record, now) is { } locked)
        {
            session.Write(_recordPath, record.Serialize(key.ReadOnlySpan));
            throw Locked(locked);
        }

        if (record.Attempts.Count >= _policy.MaximumFailures)
        {
            return null;
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        record.Attempts.Add(new LockoutEntry(id, now, Pending: true));
        session.Write(_recordPath, record.Serialize(key.ReadOnlySpan));
        return new LockoutAttempt(this, id);
    }

    /// <summary>The attempt <paramref name="id"/> tested a wrong secret: it becomes a failure, locking at the limit.</summary>
    internal LockoutCount Failed(string id) => WithRecord((session, key, record) => Fail(session, key, record, id));

    private LockoutCount Fail(IStateSession session, SecureBuffer key, LockoutRecord record, string id)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (record.LockedUntil is { } until && until > now)
        {
            // A lock already runs: this failure neither extends nor doubles it; its pending entry is spent.
            if (record.Attempts.RemoveAll(attempt => attempt.Id == id) > 0)
            {
                session.Write(_recordPath, record.Serialize(key.ReadOnlySpan));
            }

            return new LockoutCount(0, DateTimeOffset.FromUnixTimeMilliseconds(until));
        }

        Settle(record, now);
        record.Attempts.RemoveAll(attempt => attempt.Id == id);
        record.Attempts.Add(new LockoutEntry(id, now));
        var lockSet = LockIfAtLimit(record, now);
        session.Write(_recordPath, record.Serialize(key.ReadOnlySpan));
        return new LockoutCount(
            lockSet is null ? Math.Max(0, _policy.MaximumFailures - record.Attempts.Count(attempt => !attempt.Pending)) : 0,
            lockSet is { } set ? DateTimeOffset.FromUnixTimeMilliseconds(set) : null);
    }

    /// <summary>A success clears failures and the doubling; other attempts still under test stay pending.</summary>
    internal void Succeed(string id)
    {
        var stale = _time.GetUtcNow().ToUnixTimeMilliseconds() - (long)_policy.PendingLimit.TotalMilliseconds;
        Update(record =>
        {
            var changed = record.Lockouts > 0 || record.LockedUntil is not null;
            changed |= record.Attempts.RemoveAll(attempt => !attempt.Pending || attempt.Id == id || attempt.At <= stale) > 0;
            record.Lockouts = 0;
            record.LockedUntil = null;
            return changed;
        });
    }

    /// <summary>An attempt that never tested a secret (device missing, malformed input), or whose success may not reset the count, is taken back.</summary>
    internal void Cancel(string id) => Update(record => record.Attempts.RemoveAll(attempt => attempt.Id == id) > 0);

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
            var content = session.Read(_recordPath);
            if (content is null)
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

            using var key = Load(session, content, out var record);
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

    /// <summary>Verifies the record's <paramref name="content"/> with its key; call inside its scope.</summary>
    private SecureBuffer Load(IStateSession session, byte[] content, out LockoutRecord record)
    {
        var key = ReadKey(session) ?? throw Damaged();
        try
        {
            if (key.Length != 32)
            {
                throw Damaged();
            }

            record = LockoutRecord.Parse(content, key.ReadOnlySpan);
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
