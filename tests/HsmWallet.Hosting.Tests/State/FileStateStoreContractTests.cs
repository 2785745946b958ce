using HsmWallet.Core.State;

namespace HsmWallet.Hosting.Tests.State;

/// <summary>The shared contract, run against the embedded backend: a home's files and flocks.</summary>
public sealed class FileStateStoreContractTests : StateStoreContractTests, IDisposable
{
    private readonly string home = Directory.CreateTempSubdirectory("hsmwallet-state-").FullName;

    protected override IStateStore OpenStore() => new FileStateStore(home);

    public void Dispose() => Directory.Delete(home, recursive: true);
}
