using System.Buffers.Binary;
using System.Data;
using System.Security.Cryptography;
using System.Text;
using HsmWallet.Core.State;
using Npgsql;
using NpgsqlTypes;

namespace HsmWallet.Hosting.State.Postgres;

/// <summary>
/// The shared backend: every document is one row of <c>hsmwallet_documents</c> in a PostgreSQL database, so several
/// server instances (and the CLI) on several hosts keep one signing state, one set of counters and one set of
/// approvals. <see cref="Exclusive{T}"/> opens one transaction (READ COMMITTED) and takes
/// <c>pg_advisory_xact_lock</c> on a 64-bit key derived from the scope (SHA-256 of a fixed prefix and the scope name),
/// waiting at most the lock timeout (<c>SET LOCAL lock_timeout</c>).
/// <para>
/// Why advisory transaction locks and READ COMMITTED: every read-check-write of a document (reserve a Sequence, add
/// to a daily total, redeem an approval) happens inside <see cref="Exclusive{T}"/> under its scope's lock, so no two
/// sessions ever interleave on one document and the stronger isolation levels would add nothing but serialization
/// failures to retry. The lock is a lock on a name rather than on a row, so it also covers a document that does not
/// exist yet (the first counter of a day, a new approval), which row locks (<c>SELECT ... FOR UPDATE</c>) cannot. A
/// transaction-scoped advisory lock is released by the server itself at COMMIT or ROLLBACK, and when the connection
/// dies (a killed instance, a dropped network), so no crash can leave a scope locked; and a session-level lock could
/// outlive its transaction in a pooled connection.
/// </para>
/// <para>
/// A nested call on the same thread joins the outer transaction (PostgreSQL advisory locks are re-entrant) and adds
/// its own lock; it runs inside a savepoint, so when it throws its writes are undone even if the outer call goes on.
/// The nested lock and savepoint are sent with the nested call's first statement (one round trip, not three), and a
/// savepoint is never released (the commit ends it), so a nested call costs no request of its own. A document read
/// or written under the scope of its own name is kept for the rest of the session (no other session can write it
/// before this one commits), so reading it again costs no request; a nested call that throws forgets them all.
/// Everything one outermost call wrote is ONE commit when it returns (all writes of one signature are durable
/// together), and nothing when it throws. Documents are limited to <see cref="MaxDocumentBytes"/> (refused, naming
/// the rule, before anything is sent). Any database failure is a <see cref="StateStoreException"/> whose message
/// names the store as <c>host:port/database</c> and never a password; its inner exception is for the host's log.
/// </para>
/// </summary>
public sealed class PostgresStateStore : IStateStore, IDisposable
{
    /// <summary>The largest document accepted (1 MiB, <see cref="StateDocument.MaxBytes"/>): a document an agent can grow fails closed before it reaches the database.</summary>
    public const int MaxDocumentBytes = StateDocument.MaxBytes;

    /// <summary>The table of documents (migration 0001).</summary>
    internal const string DocumentsTable = "hsmwallet_documents";

    private const string LockPrefix = "hsmwallet-state-lock\0";

    [ThreadStatic]
    private static Dictionary<PostgresStateStore, Session>? t_sessions;

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeSpan _lockTimeout;
    private readonly Lock _schemaLock = new();
    private bool _schemaChecked;
    private long _roundTrips;

    /// <summary>Uses <paramref name="dataSource"/> (its connection string holds the password; nothing here shows it) and waits at most <paramref name="lockTimeout"/> for a scope's lock.</summary>
    public PostgresStateStore(NpgsqlDataSource dataSource, TimeSpan? lockTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _lockTimeout = lockTimeout ?? TimeSpan.FromSeconds(30);
        var settings = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        Where = $"{settings.Host}:{settings.Port}/{settings.Database}";
        Description = $"postgres://{settings.Username}@{Where}";
    }

    /// <inheritdoc/>
    public string Description { get; }

    /// <summary>The database as <c>host:port/database</c>, as every error names it (never the user's password).</summary>
    public string Where { get; }

    /// <summary>How many requests this store sent to the server and waited for (the bench reports them per signature; each costs a network round trip).</summary>
    public long RoundTrips => Interlocked.Read(ref _roundTrips);

    /// <summary>How many statements each connection keeps prepared (Npgsql's Max Auto Prepare) unless the connection string says otherwise.</summary>
    public const int AutoPreparedStatements = 32;

    /// <summary>
    /// A data source for <paramref name="connectionString"/> as the store is meant to run: the few statements it sends
    /// are prepared automatically on each connection (Max Auto Prepare, unless the string sets it), so the server parses
    /// and plans them once per connection rather than once per request; nothing else is changed (synchronous_commit and
    /// the rest stay the server's: a commit is durable when it returns).
    /// </summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        if (settings.MaxAutoPrepare == 0)
        {
            settings.MaxAutoPrepare = AutoPreparedStatements;
        }

        return new NpgsqlDataSourceBuilder(settings.ConnectionString).Build();
    }

    /// <summary>The advisory lock key of <paramref name="scope"/>: the first 8 bytes of SHA-256(prefix, scope), the same in every instance and version.</summary>
    public static long LockKey(string scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(LockPrefix + scope));
        return BinaryPrimitives.ReadInt64BigEndian(hash);
    }

    /// <inheritdoc/>
    public T Exclusive<T>(string scope, Func<IStateSession, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        StateName.Check(scope);
        var sessions = t_sessions ??= [];
        if (sessions.TryGetValue(this, out var outer))
        {
            return outer.Nested(scope, work);
        }

        EnsureSchema();
        var session = Session.Begin(this, scope);
        sessions[this] = session;
        try
        {
            T result;
            try
            {
                result = work(session);
            }
            catch
            {
                session.Rollback();
                throw;
            }

            session.Commit();
            return result;
        }
        finally
        {
            sessions.Remove(this);
            session.Dispose();
        }
    }

    /// <summary>
    /// A transaction of its own, committed when this returns even inside another session on this thread (that session
    /// is set aside meanwhile and goes on afterwards): the lockout record uses it, so a failed unlock counts even when the
    /// signature around it rolls back. Its scope must never be one an enclosing session holds (that would wait for itself).
    /// </summary>
    public T ExclusiveOnItsOwn<T>(string scope, Func<IStateSession, T> work)
    {
        var sessions = t_sessions ??= [];
        sessions.Remove(this, out var outer);
        try
        {
            return Exclusive(scope, work);
        }
        finally
        {
            if (outer is not null)
            {
                sessions[this] = outer;
            }
        }
    }

    /// <summary>
    /// The committed document <paramref name="name"/> in one statement, without its lock or a transaction of its own
    /// (a single SELECT sees one committed version: never a write half done): for readings checked again under the
    /// lock. Inside a session on this thread it is read in that session under its lock, as a nested call would.
    /// </summary>
    public byte[]? ReadCommitted(string name)
    {
        StateName.Check(name);
        if (t_sessions is { } sessions && sessions.ContainsKey(this))
        {
            return Exclusive(name, session => session.Read(name));
        }

        EnsureSchema();
        return Guard("read", name, () =>
        {
            try
            {
                return ReadOnce(name);
            }
            catch (Exception error) when (Session.IsBrokenConnection(error))
            {
                // A pooled connection the server dropped while idle: nothing was read, so once more on a fresh one.
                return ReadOnce(name);
            }
        });
    }

    private byte[]? ReadOnce(string name)
    {
        using var connection = _dataSource.OpenConnection();
        try
        {
            using var command = new NpgsqlCommand($"SELECT content FROM {DocumentsTable} WHERE name = $1", connection);
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = name });
            using var reader = command.ExecuteReader();
            return reader.Read() ? reader.GetFieldValue<byte[]>(0) : null;
        }
        catch (Exception error) when (Session.IsBrokenConnection(error))
        {
            NpgsqlConnection.ClearPool(connection);
            throw;
        }
    }

    /// <summary>True when the database holds no document at all (`hsmwallet state import` copies only into an empty store).</summary>
    public bool IsEmpty()
    {
        EnsureSchema();
        return Guard("read", () =>
        {
            using var command = _dataSource.CreateCommand($"SELECT EXISTS (SELECT 1 FROM {DocumentsTable})");
            return !(bool)command.ExecuteScalar()!;
        });
    }

    /// <summary>Refuses a database whose schema is not the one this version writes, before any document is touched; checked once per store.</summary>
    public void EnsureSchema()
    {
        lock (_schemaLock)
        {
            if (_schemaChecked)
            {
                return;
            }

            var version = Guard("read the schema version of", () => PostgresMigrations.ReadVersion(_dataSource));
            PostgresMigrations.RequireCurrent(version, Where);
            _schemaChecked = true;
        }
    }

    /// <summary>Runs a migration step on its own connection; the schema is checked again before the next use.</summary>
    internal T Migrate<T>(Func<NpgsqlConnection, T> work)
    {
        using var connection = _dataSource.OpenConnection();
        var result = work(connection);
        lock (_schemaLock)
        {
            _schemaChecked = false;
        }

        return result;
    }

    /// <summary>Closes the pooled connections.</summary>
    public void Dispose() => _dataSource.Dispose();

    /// <summary>Runs one database step, turning a database failure into a message that names the store and the step only.</summary>
    internal T Guard<T>(string step, Func<T> action) => Guard(step, null, action);

    private T Guard<T>(string step, string? scope, Func<T> action)
    {
        Interlocked.Increment(ref _roundTrips);
        try
        {
            return action();
        }
        catch (Exception error) when (IsDatabaseFailure(error))
        {
            throw Failure(step, scope, error);
        }
    }

    private static bool IsDatabaseFailure(Exception error) =>
        error is NpgsqlException or TimeoutException || (error is InvalidOperationException && error.Source == "Npgsql");

    private StateStoreException Failure(string step, string? scope, Exception error)
    {
        var reason = error switch
        {
            PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable } =>
                $"the lock on {scope} was not had within {_lockTimeout.TotalSeconds:0.#} s (another instance holds it)",
            PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } =>
                "the database refused the user or password (check the state credential)",
            PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } => "no such database",
            PostgresException { SqlState: PostgresErrorCodes.UndefinedTable } => "the schema is missing; run `hsmwallet state migrate`",
            PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown } => "the connection was terminated",
            PostgresException postgres => $"the database refused it ({postgres.SqlState})",
            NpgsqlException { InnerException: TimeoutException } or TimeoutException => "no answer in time",
            _ => "the database cannot be reached",
        };
        return new StateStoreException(
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"state store {Where}: could not {step} it: {reason}"), error);
    }

    /// <summary>One outermost call's connection and transaction, joined by nested calls on the same thread.</summary>
    private sealed class Session : IStateSession, IDisposable
    {
        private readonly PostgresStateStore _store;
        private readonly NpgsqlConnection _connection;
        private readonly NpgsqlTransaction _transaction;
        private readonly HashSet<string> _scopes = new(StringComparer.Ordinal);
        private readonly List<NpgsqlBatchCommand> _deferred = [];
        private readonly List<Action> _afterCommit = [];

        // Documents this session read or wrote while holding the lock of the scope of the same name (every writer of a
        // document holds that scope), so no other session can change them before this one commits: a second read of
        // one (the freeze marker, the counters, the signing state re-read under the lock) is answered from here.
        private readonly Dictionary<string, byte[]?> _held = new(StringComparer.Ordinal);
        private string _scope;
        private int _savepoints;

        // Set when a statement of this transaction failed: PostgreSQL then answers COMMIT with a silent ROLLBACK,
        // so a caller that caught the failure and went on must not be told its writes were stored.
        private bool _failed;

        private Session(PostgresStateStore store, NpgsqlConnection connection, NpgsqlTransaction transaction, string scope)
        {
            _store = store;
            _connection = connection;
            _transaction = transaction;
            _scope = scope;
        }

        public static Session Begin(PostgresStateStore store, string scope) => store.Guard("lock", scope, () =>
        {
            try
            {
                return Open(store, scope);
            }
            catch (Exception error) when (IsBrokenConnection(error))
            {
                // A pooled connection the server dropped while it was idle (a restart, a terminated backend): nothing
                // was done in its transaction yet, so the pool was emptied (below) and the session is opened once more.
                return Open(store, scope);
            }
        });

        internal static bool IsBrokenConnection(Exception error) =>
            error is NpgsqlException and not PostgresException
            || error is PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown };

        private static Session Open(PostgresStateStore store, string scope)
        {
            var connection = store._dataSource.OpenConnection();
            try
            {
                var transaction = connection.BeginTransaction(IsolationLevel.ReadCommitted);
                var session = new Session(store, connection, transaction, scope);
                var milliseconds = Math.Max(1, (long)store._lockTimeout.TotalMilliseconds);
                session.Execute(
                    string.Create(System.Globalization.CultureInfo.InvariantCulture, $"SET LOCAL lock_timeout = {milliseconds}; SELECT pg_advisory_xact_lock(@key)"),
                    ("key", LockKey(scope)));
                session._scopes.Add(scope);
                return session;
            }
            catch (Exception error)
            {
                if (IsBrokenConnection(error))
                {
                    NpgsqlConnection.ClearPool(connection);
                }

                connection.Dispose();
                throw;
            }
        }

        public T Nested<T>(string scope, Func<IStateSession, T> work)
        {
            var savepoint = "s" + (++_savepoints).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var outerScope = _scope;
            if (_scopes.Add(scope))
            {
                // The lock goes before the savepoint, so it stays with the transaction whatever the nested call does.
                var lockCommand = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1)");
                lockCommand.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = LockKey(scope) });
                _deferred.Add(lockCommand);
            }

            var savepointCommand = new NpgsqlBatchCommand("SAVEPOINT " + savepoint);
            var callbacksBefore = _afterCommit.Count;
            _deferred.Add(savepointCommand);
            _scope = scope;
            var failedBefore = _failed;
            try
            {
                T result;
                try
                {
                    result = work(this);
                }
                catch
                {
                    // What the nested call asked to run after the commit is undone with its writes, and so is what
                    // this session knew of the documents (some of it may be the undone writes).
                    _afterCommit.RemoveRange(callbacksBefore, _afterCommit.Count - callbacksBefore);
                    _held.Clear();

                    // A savepoint still waiting to be sent marks nothing to undo; one sent is rolled back to.
                    if (!_deferred.Remove(savepointCommand) && TryExecute("ROLLBACK TO SAVEPOINT " + savepoint))
                    {
                        // What failed inside the savepoint is undone with it; the transaction is as it was before.
                        _failed = failedBefore;
                    }

                    throw;
                }

                _ = _deferred.Remove(savepointCommand);
                return result;
            }
            finally
            {
                _scope = outerScope;
            }
        }

        public byte[]? Read(string name)
        {
            StateName.Check(name);
            if (_held.TryGetValue(name, out var known))
            {
                return known?.ToArray();
            }

            var read = Run("read", _scope, () =>
            {
                var main = new NpgsqlBatchCommand($"SELECT content FROM {DocumentsTable} WHERE name = $1");
                main.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = name });
                byte[]? content = null;
                Query(main, reader =>
                {
                    if (reader.Read())
                    {
                        content = reader.GetFieldValue<byte[]>(0);
                    }
                });
                return content;
            });
            Remember(name, read);
            return read?.ToArray();
        }

        public void Write(string name, ReadOnlySpan<byte> content)
        {
            StateName.Check(name);
            StateDocument.CheckSize(content.Length);

            var bytes = content.ToArray();
            Run("write", _scope, () =>
            {
                var main = new NpgsqlBatchCommand(
                    $"INSERT INTO {DocumentsTable} (name, content, updated_at) VALUES ($1, $2, now()) "
                    + "ON CONFLICT (name) DO UPDATE SET content = EXCLUDED.content, updated_at = EXCLUDED.updated_at");
                main.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = name });
                main.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = bytes });
                return Send(main);
            });
            Remember(name, bytes);
        }

        public bool Delete(string name)
        {
            StateName.Check(name);
            var deleted = Run("write", _scope, () =>
            {
                var main = new NpgsqlBatchCommand($"DELETE FROM {DocumentsTable} WHERE name = $1");
                main.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = name });
                return Send(main) > 0;
            });
            Remember(name, null);
            return deleted;
        }

        // Kept only for a document whose own scope this session holds (its lock went out with, or before, this statement).
        private void Remember(string name, byte[]? content)
        {
            if (_scopes.Contains(name))
            {
                _held[name] = content;
            }
            else
            {
                _held.Remove(name);
            }
        }

        public IReadOnlyList<string> List(string folder)
        {
            StateName.CheckFolder(folder);
            return Run("read", _scope, () =>
            {
                // Names are FOLDER/FILE with no further slash (StateName), so a prefix match is exactly the folder's documents.
                var main = new NpgsqlBatchCommand($"SELECT name FROM {DocumentsTable} WHERE starts_with(name, $1) ORDER BY name COLLATE \"C\"");
                main.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = folder + "/" });
                var names = new List<string>();
                Query(main, reader =>
                {
                    while (reader.Read())
                    {
                        names.Add(reader.GetString(0));
                    }
                });
                return (IReadOnlyList<string>)names;
            });
        }

        public void Commit()
        {
            if (_failed)
            {
                throw new StateStoreException($"state store {_store.Where}: could not commit to it: a statement of this operation failed, so nothing of it was stored");
            }

            Run("commit to", _scope, () =>
            {
                _transaction.Commit();
                return 0;
            });
            foreach (var action in _afterCommit)
            {
                action();
            }
        }

        public void AfterCommit(Action action)
        {
            ArgumentNullException.ThrowIfNull(action);
            _afterCommit.Add(action);
        }

        public void Rollback()
        {
            try
            {
                _transaction.Rollback();
            }
#pragma warning disable CA1031 // A failed rollback leaves nothing: the server drops the transaction with its connection.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        public void Dispose()
        {
            _transaction.Dispose();
            _connection.Dispose();
        }

        private NpgsqlCommand Command(string sql) => new(sql, _connection, _transaction);

        // The nested locks and savepoints waiting to be sent, then main: one request. They are sent whatever happens.
        private NpgsqlBatch Batch(NpgsqlBatchCommand main)
        {
            var batch = new NpgsqlBatch(_connection, _transaction);
            foreach (var command in _deferred)
            {
                batch.BatchCommands.Add(command);
            }

            _deferred.Clear();
            batch.BatchCommands.Add(main);
            return batch;
        }

        // Runs main after what waits; returns the rows main changed.
        private int Send(NpgsqlBatchCommand main)
        {
            using var batch = Batch(main);
            _ = batch.ExecuteNonQuery();
            return main.RecordsAffected;
        }

        // Runs main after what waits and hands main's rows (the last result) to read.
        private void Query(NpgsqlBatchCommand main, Action<NpgsqlDataReader> read)
        {
            using var batch = Batch(main);
            using var reader = batch.ExecuteReader();
            // The reader stands on the first result; each waiting lock returns one (a savepoint none), main's is last.
            for (var i = 0; i < batch.BatchCommands.Count - 1; i++)
            {
                if (batch.BatchCommands[i].CommandText.StartsWith("SELECT", StringComparison.Ordinal))
                {
                    _ = reader.NextResult();
                }
            }

            read(reader);
        }

        private int Execute(string sql, params (string Name, long Value)[] parameters)
        {
            using var command = Command(sql);
            foreach (var (name, value) in parameters)
            {
                if (sql.Contains("@" + name, StringComparison.Ordinal))
                {
                    command.Parameters.AddWithValue(name, NpgsqlDbType.Bigint, value);
                }
            }

            return command.ExecuteNonQuery();
        }

        private T Run<T>(string step, string scope, Func<T> action)
        {
            try
            {
                return _store.Guard(step, scope, action);
            }
            catch (StateStoreException)
            {
                _failed = true;
                throw;
            }
        }

        private bool TryExecute(string sql)
        {
            try
            {
                Execute(sql);
                return true;
            }
#pragma warning disable CA1031 // The nested call's own failure is what the caller sees; the outer call rolls back when it cannot go on.
            catch (Exception)
#pragma warning restore CA1031
            {
                return false;
            }
        }
    }
}
