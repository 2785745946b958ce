namespace HsmWallet.Tests.Fixtures;

/// <summary>The repository the tests were built from, found above the test's output folder (never anything outside it).</summary>
internal static class Repository
{
    /// <summary>The folder holding HsmWallet.sln.</summary>
    public static string Root()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HsmWallet.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("HsmWallet.sln not found above the test directory");
    }

    /// <summary>A path inside the repository, from its parts.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root(), .. parts]);
}
