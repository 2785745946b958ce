using HsmWallet.Core.Audit;
using HsmWallet.Core.Secrets.Files;

namespace HsmWallet.Core.State;

/// <summary>
/// The embedded backend: each document is an owner-only file under the home, and a scope's lock is a flock on
/// <c>SCOPE.lock</c> beside it, shared by the CLI and every server process on this host.
/// <para>
/// One durable write per session (issue 20): the outermost <see cref="Exclusive{T}"/> call on a thread opens a session
/// that every nested call on the same store root joins (adding its scope's lock, held until the session ends, as a
/// database holds its transaction's locks). Writes and deletes are kept in the session, which reads its own pending
/// writes; when the outermost call ends they are committed with ONE fsync: each new document is written beside its
/// name (not synced), a journal of all of them (<see cref="StateJournal"/>, named after the outermost scope) is
/// written and fsynced, then the documents are renamed into place, then the journal is removed (a full disk thus
/// fails the commit before anything is durable). A commit point inside the session
/// (<see cref="CommitOpenSessions(Func{IReadOnlyDictionary{string, byte[]}, AuditRedo})"/>, the audit writer's append)
/// commits what is pending so far the same way, with the audit entry's line and the new head in the same journal, so a
/// signature's state, line and head are durable with one fsync and applied (line, then head) before the journal is
/// removed. After taking any scope's lock, and before anything under it is read, a complete journal whose
/// writer is gone is applied again and a torn one is dropped, so a crash at any point leaves the session's writes
/// all there or (before the journal's fsync returned) none of them.
/// </para>
/// <para>
/// What a session wrote before its work threw is committed too (the backend's behaviour before sessions were
/// buffered): the sealed state documents tell the audit head their new generation as they are written, so dropping
/// them would leave the head ahead of its documents, which refuses signing. <see cref="ExclusiveOnItsOwn{T}"/> is a
/// session of its own, durable on return. Journals are per outermost scope, so sessions on other scopes in other
/// processes commit at the same time; a journal is applied again only by a holder of a scope it lists (or of its own
/// scope, or of none: its lock taken without waiting), since its writer holds all of them until it is removed.
/// </para>
/// <para>
/// What the single fsync relies on: the journal is fsynced before any document is replaced, and its removal comes
/// after the replacements. The removal is not synced, so on a power cut the file system must not make the removal
/// durable before the replacements it follows (it keeps metadata in order: ext4 in its default data=ordered mode, XFS,
/// btrfs). Where it might, the journal is applied again, which is harmless; where the removal outruns a replacement a
/// document can be older than its commit, which the audit head's generations then refuse (fail closed).
/// </para>
/// </summary>
public sealed class FileStateStore : IStateStore
{
    [ThreadStatic]
    private static Dictionary<string, Session>? t_sessions;

    private readonly string _root;
    private readonly TimeSpan _lockTimeout;
    private readonly StateJournal _journal;

    /// <summary>Binds the home folder <paramref name="root"/> and how long a lock is waited for.</summary>
    public FileStateStore(string root, TimeSpan? lockTimeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        _root = Path.GetFullPath(root);
        _lockTimeout = lockTimeout ?? TimeSpan.FromSeconds(30);
        _journal = new StateJournal(_root, _lockTimeout);
    }

    /// <inheritdoc/>
    public string Description => "files";

    /// <summary>The folder the documents are kept under (a home, or a folder several homes share on one host).</summary>
    public string Root => _root;

    /// <inheritdoc/>
    public T Exclusive<T>(string scope, Func<IStateSession, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        StateName.Check(scope);
        var sessions = t_sessions ??= new Dictionary<string, Session>(StringComparer.Ordinal);
        if (sessions.TryGetValue(_root, out var outer))
        {
            outer.Hold(scope);
            return work(outer);
        }

        var session = new Session(this, scope);
        sessions[_root] = session;
        try
        {
            session.Hold(scope);
            T result;
            try
            {
                result = work(session);
            }
            catch
            {
                session.CommitAfterFailure();
                throw;
            }

            session.Commit();
            return result;
        }
        finally
        {
            sessions.Remove(_root);
            session.Release();
        }
    }

    /// <summary>
    /// A session of its own, durable when this returns even inside another session on this thread (that one is set
    /// aside meanwhile and goes on afterwards). Its scope must never be one an enclosing session holds (that would
    /// wait for itself until the lock timeout).
    /// </summary>
    public T ExclusiveOnItsOwn<T>(string scope, Func<IStateSession, T> work)
    {
        var sessions = t_sessions ??= new Dictionary<string, Session>(StringComparer.Ordinal);
        sessions.Remove(_root, out var outer);
        try
        {
            return Exclusive(scope, work);
        }
        finally
        {
            if (outer is not null)
            {
                sessions[_root] = outer;
            }
        }
    }

    /// <summary>
    /// The audit writer's one durable write (issue 20): commits what the sessions open on this thread have written,
    /// with the audit append <paramref name="build"/> makes (given the pending writes of the session that carries it,
    /// so the new head can record their generations) in the SAME journal: one fsync makes the documents, the entry's
    /// line and the new head durable; they are then applied without syncing and the journal removed. The caller holds
    /// the audit lock. False (nothing done) when no session is open on this thread: the caller appends on its own.
    /// </summary>
    internal static bool CommitOpenSessions(Func<IReadOnlyDictionary<string, byte[]?>, AuditRedo> build)
    {
        ArgumentNullException.ThrowIfNull(build);
        if (t_sessions is not { Count: > 0 } sessions)
        {
            return false;
        }

        var all = sessions.Values.ToList();
        // Sessions on other store roots (rare) commit on their own first, so the head built below may record them too.
        foreach (var other in all.Skip(1))
        {
            other.Commit();
        }

        all[0].Commit(build);
        return true;
    }

    /// <summary>True when the store at <paramref name="root"/> holds any journal (before taking an audit lock to replay).</summary>
    internal static bool HasJournals(string root) => StateJournal.HasJournals(root);

    /// <summary>Applies the journals under <paramref name="root"/> that carry an append to <paramref name="auditFolder"/>; the caller holds its audit lock.</summary>
    internal static void ReplayAuditJournals(string root, string auditFolder, TimeSpan lockTimeout) =>
        new StateJournal(root, lockTimeout).ReplayAudit(auditFolder);

    // A folder of the home open to other users is refused, naming it and the fix, before anything in it is read.
    internal static void EnsureFolder(string directory, string name)
    {
        try
        {
            ProtectedFile.EnsurePrivateDirectory(directory);
        }
        catch (UnsafeFilePermissionsException exception)
        {
            throw new InvalidInputException(name, $"its folder must be open to its owner only (0700): {exception.Fix}", exception);
        }
    }

    private string PathOf(string name) => Path.Combine(_root, name.Replace('/', Path.DirectorySeparatorChar));

    private sealed class Session(FileStateStore store, string scope) : IStateSession
    {
        private readonly List<(string Scope, FileLock Lock)> _locks = [];
        private readonly SortedDictionary<string, byte[]?> _pending = new(StringComparer.Ordinal);
        private readonly List<Action> _afterCommit = [];
        private long _pendingBytes;

        // Takes the scope's lock unless this session holds it, then finishes any journal a writer gone left for it.
        public void Hold(string name)
        {
            if (Holds(name))
            {
                return;
            }

            if (_locks.Count >= StateJournal.MaxEntries)
            {
                throw new InvalidInputException("state session", "must hold at most 4096 scopes");
            }

            var path = store.PathOf(name);
            EnsureFolder(Path.GetDirectoryName(path)!, name);
            _locks.Add((name, FileLock.Acquire(path, store._lockTimeout)));
            store._journal.Recover(Holds, takeIdle: _locks.Count == 1);
        }

        public void Commit(Func<IReadOnlyDictionary<string, byte[]?>, AuditRedo>? buildAudit = null)
        {
            if (_pending.Count == 0 && buildAudit is null)
            {
                RunAfterCommit();
                return;
            }

            // New contents first (not synced), then the journal (the fsync), then renames: a full disk fails before the
            // commit is durable, as the atomic writer always did, instead of leaving a journal no one can apply.
            var audit = buildAudit?.Invoke(_pending);
            if (audit is not null)
            {
                // Once per audit folder and store: readers that know only the audit folder find this store's journals.
                AuditRedo.Register(audit.Folder, store._root);
            }

            var staged = store._journal.Stage(_pending);
            string? stagedHead = null;
            try
            {
                stagedHead = audit?.Stage();
                store._journal.Write(scope, [.. _locks.Select(held => held.Scope)], _pending, audit);
            }
            catch
            {
                StateJournal.Discard(staged);
                if (stagedHead is not null)
                {
                    ProtectedFile.DiscardTemporary(stagedHead);
                }

                throw;
            }

            store._journal.Install(staged, _pending);
            // The entry's line, then the head, after the documents the head records (all durable in the journal).
            audit?.Apply(checkTail: false, stagedHead);
            store._journal.Remove(scope);
            _pending.Clear();
            _pendingBytes = 0;
            RunAfterCommit();
        }

        // The work threw: what it wrote is still committed (see the class); a commit that fails too leaves none of it.
        public void CommitAfterFailure()
        {
            try
            {
                Commit();
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidInputException)
            {
                _pending.Clear();
                _afterCommit.Clear();
            }
        }

        public void Release()
        {
            for (var i = _locks.Count - 1; i >= 0; i--)
            {
                _locks[i].Lock.Dispose();
            }

            _locks.Clear();
        }

        public byte[]? Read(string name)
        {
            if (_pending.TryGetValue(StateName.Check(name), out var pending))
            {
                return pending?.ToArray();
            }

            var path = store.PathOf(name);
            if (!File.Exists(path))
            {
                return null;
            }

            try
            {
                return ProtectedFile.ReadAllBytes(path);
            }
            catch (UnsafeFilePermissionsException exception)
            {
                throw new InvalidInputException(name, $"file must be readable and writable by its owner only (0600): {exception.Fix}", exception);
            }
        }

        public void Write(string name, ReadOnlySpan<byte> content)
        {
            var path = store.PathOf(StateName.Check(name));
            StateDocument.CheckSize(content.Length);
            EnsureFolder(Path.GetDirectoryName(path)!, name);
            var size = StateJournal.EntrySize(name, content.Length);
            if (_pendingBytes + size > StateJournal.MaxBytes)
            {
                throw new InvalidInputException("state session", "must write at most 64 MiB before it ends");
            }

            if (_pending.Count >= StateJournal.MaxEntries && !_pending.ContainsKey(name))
            {
                throw new InvalidInputException("state session", "must write at most 4096 documents before it ends");
            }

            _pending[name] = content.ToArray();
            _pendingBytes += size;
        }

        public bool Delete(string name)
        {
            var existed = _pending.TryGetValue(StateName.Check(name), out var pending)
                ? pending is not null
                : File.Exists(store.PathOf(name));
            if (existed)
            {
                if (_pending.Count >= StateJournal.MaxEntries && !_pending.ContainsKey(name))
                {
                    throw new InvalidInputException("state session", "must write at most 4096 documents before it ends");
                }

                _pending[name] = null;
                _pendingBytes += StateJournal.EntrySize(name, 0);
            }

            return existed;
        }

        public IReadOnlyList<string> List(string folder)
        {
            var directory = store.PathOf(StateName.CheckFolder(folder));
            var names = new SortedSet<string>(StringComparer.Ordinal);
            if (Directory.Exists(directory))
            {
                names.UnionWith(Directory.EnumerateFiles(directory)
                    .Select(Path.GetFileName)
                    .OfType<string>()
                    .Where(file => !file.EndsWith(".lock", StringComparison.Ordinal) && !file.EndsWith(".tmp", StringComparison.Ordinal))
                    .Select(file => folder + "/" + file)
                    .Where(IsName));
            }

            var prefix = folder + "/";
            foreach (var (name, content) in _pending.Where(pair => pair.Key.StartsWith(prefix, StringComparison.Ordinal)))
            {
                if (content is null)
                {
                    names.Remove(name);
                }
                else
                {
                    names.Add(name);
                }
            }

            return [.. names];
        }

        public void AfterCommit(Action action)
        {
            ArgumentNullException.ThrowIfNull(action);
            _afterCommit.Add(action);
        }

        private bool Holds(string name) => _locks.Exists(held => held.Scope == name);

        private void RunAfterCommit()
        {
            var actions = _afterCommit.ToList();
            _afterCommit.Clear();
            actions.ForEach(action => action());
        }

        private static bool IsName(string name)
        {
            try
            {
                StateName.Check(name);
                return true;
            }
            catch (InvalidInputException)
            {
                return false;
            }
        }
    }
}
