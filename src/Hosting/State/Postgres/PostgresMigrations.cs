using System.Globalization;
using System.Text.RegularExpressions;
using HsmWallet.Core.State;
using Npgsql;

namespace HsmWallet.Hosting.State.Postgres;

/// <summary>
/// The PostgreSQL store's schema, versioned: each embedded <c>Migrations/NNNN_name.sql</c> is applied once, in
/// order, in one transaction with its row in <c>hsmwallet_schema</c>, under an advisory lock so two operators (or
/// two hosts) migrating at once apply it once. A store refuses a database at any other version than
/// <see cref="CurrentVersion"/>, so an old binary never writes to a schema it does not know and a new one never
/// guesses at an old one.
/// </summary>
public static partial class PostgresMigrations
{
    /// <summary>The table recording which migrations were applied.</summary>
    internal const string VersionTable = "hsmwallet_schema";

    private const string ResourcePrefix = "HsmWallet.Hosting.State.Postgres.Migrations.";

    private static readonly IReadOnlyList<(int Version, string Name, string Sql)> Migrations = Load();

    /// <summary>The schema version this build writes: the highest embedded migration.</summary>
    public static int CurrentVersion => Migrations[^1].Version;

    /// <summary>Applies every migration the database lacks; returns the versions before and after. Refuses a database ahead of this build.</summary>
    public static (int Before, int After) Migrate(PostgresStateStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.Guard("migrate", () => store.Migrate(connection =>
        {
            using var transaction = connection.BeginTransaction();
            Execute(connection, transaction, "SET LOCAL lock_timeout = 60000; SELECT pg_advisory_xact_lock(@key)", PostgresStateStore.LockKey("schema/migrations"));
            Execute(connection, transaction, $"CREATE TABLE IF NOT EXISTS {VersionTable} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
            var before = ReadVersion(connection, transaction);
            if (before > CurrentVersion)
            {
                throw Ahead(before, store.Where);
            }

            foreach (var (version, name, sql) in Migrations.Where(migration => migration.Version > before))
            {
                Execute(connection, transaction, sql);
                using var record = new NpgsqlCommand($"INSERT INTO {VersionTable} (version, name) VALUES (@version, @name)", connection, transaction);
                record.Parameters.AddWithValue("version", version);
                record.Parameters.AddWithValue("name", name);
                record.ExecuteNonQuery();
            }

            transaction.Commit();
            return (before, CurrentVersion);
        }));
    }

    /// <summary>The database's schema version: 0 when it was never migrated.</summary>
    internal static int ReadVersion(NpgsqlDataSource dataSource)
    {
        using var connection = dataSource.OpenConnection();
        return ReadVersion(connection, null);
    }

    /// <summary>Refuses any version but <see cref="CurrentVersion"/>, saying what to run.</summary>
    internal static void RequireCurrent(int version, string where)
    {
        if (version > CurrentVersion)
        {
            throw Ahead(version, where);
        }

        if (version < CurrentVersion)
        {
            throw new StateStoreException(string.Create(
                CultureInfo.InvariantCulture,
                $"state store {where}: the schema is at version {version}, this HsmWallet needs {CurrentVersion}; run `hsmwallet state migrate`"));
        }
    }

    private static StateStoreException Ahead(int version, string where) => new(string.Create(
        CultureInfo.InvariantCulture,
        $"state store {where}: the schema is at version {version}, made by a newer HsmWallet (this one knows up to {CurrentVersion}); upgrade HsmWallet, do not run `hsmwallet state migrate` with this one"));

    private static int ReadVersion(NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        using (var exists = new NpgsqlCommand($"SELECT to_regclass('{VersionTable}') IS NOT NULL", connection, transaction))
        {
            if (!(bool)exists.ExecuteScalar()!)
            {
                return 0;
            }
        }

        using var command = new NpgsqlCommand($"SELECT COALESCE(max(version), 0) FROM {VersionTable}", connection, transaction);
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, long? key = null)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        if (key is { } value)
        {
            command.Parameters.AddWithValue("key", value);
        }

        command.ExecuteNonQuery();
    }

    private static List<(int Version, string Name, string Sql)> Load()
    {
        var assembly = typeof(PostgresMigrations).Assembly;
        var migrations = new List<(int Version, string Name, string Sql)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var file = resource[ResourcePrefix.Length..];
            var match = FileName().Match(file);
            if (!match.Success)
            {
                throw new InvalidOperationException($"migration {file}: must be named NNNN_name.sql");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add((int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), match.Groups[2].Value, reader.ReadToEnd()));
        }

        migrations.Sort((left, right) => left.Version.CompareTo(right.Version));
        for (var index = 0; index < migrations.Count; index++)
        {
            if (migrations[index].Version != index + 1)
            {
                throw new InvalidOperationException("migrations must be numbered 0001, 0002, ... without a gap");
            }
        }

        return migrations.Count > 0 ? migrations : throw new InvalidOperationException("no migration embedded");
    }

    [GeneratedRegex("^([0-9]{4})_([a-z0-9_]+)\\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex FileName();
}
