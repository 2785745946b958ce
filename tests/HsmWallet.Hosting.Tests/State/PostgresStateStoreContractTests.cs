using HsmWallet.Core.State;
using HsmWallet.Hosting.State.Postgres;
using HsmWallet.Tests.Fixtures;

namespace HsmWallet.Hosting.Tests.State;

/// <summary>One private PostgreSQL server for every test class that needs one in this assembly.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresServer : ICollectionFixture<PostgresInstance>
{
    public const string Name = "postgres";
}

/// <summary>The shared contract, run against PostgreSQL for real: each test on a fresh, migrated database.</summary>
[Collection(PostgresServer.Name)]
public sealed class PostgresStateStoreContractTests : StateStoreContractTests, IDisposable
{
    private readonly PostgresInstance postgres;
    private readonly string database;
    private readonly List<PostgresStateStore> stores = [];

    public PostgresStateStoreContractTests(PostgresInstance postgres)
    {
        this.postgres = postgres;
        database = postgres.CreateDatabase();
        PostgresMigrations.Migrate(Track(new PostgresStateStore(PostgresStateStore.CreateDataSource(postgres.ConnectionString(database)))));
    }

    protected override IStateStore OpenStore() => Track(new PostgresStateStore(PostgresStateStore.CreateDataSource(postgres.ConnectionString(database))));

    public void Dispose() => stores.ForEach(store => store.Dispose());

    private PostgresStateStore Track(PostgresStateStore store)
    {
        stores.Add(store);
        return store;
    }
}
