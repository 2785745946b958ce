using HsmWallet.Core;
using HsmWallet.Hosting.State;

namespace HsmWallet.Hosting.Tests.State;

/// <summary>How --state and --state-credential are read: files by default, a URL without a password, the password from an owner-only file.</summary>
public sealed class StateStoreChoiceTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData(null)]
    [InlineData("files")]
    public void Files_is_the_default_and_opens_no_database(string? state) =>
        Assert.Null(StateStoreChoice.Open(state, credentialPath: null, credentialsDirectory: null));

    [Theory]
    [InlineData("postgres://wallet:S3cret-In-Url@db.example:5432/wallet")]
    [InlineData("postgresql://wallet:S3cret-In-Url@db.example/wallet")]
    [InlineData("postgres://wallet:S3cret-In-Url@[::1]:5432/wallet")]
    public void A_URL_holding_a_password_is_refused_naming_state_and_never_showing_it(string state)
    {
        var credential = folder.Secret("password", "pw");
        var error = Assert.Throws<InvalidInputException>(() => StateStoreChoice.Open(state, credential, null));
        Assert.Equal("--state", error.Field);
        Assert.Contains("must not hold a password", error.Rule, StringComparison.Ordinal);
        Assert.DoesNotContain("S3cret", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("mysql://wallet@db/wallet")]
    [InlineData("postgres://db.example/wallet")]
    [InlineData("postgres://wallet@db.example")]
    [InlineData("postgres://wallet@db.example/a/b")]
    [InlineData("postgres://wallet@db.example/wallet?sslmode=maybe")]
    [InlineData("postgres://wallet@db.example/wallet?options=-c%20x")]
    public void A_state_value_of_another_shape_is_refused_naming_state(string state)
    {
        var credential = folder.Secret("password", "pw");
        var error = Assert.Throws<InvalidInputException>(() => StateStoreChoice.Open(state, credential, null));
        Assert.Equal("--state", error.Field);
    }

    [Fact]
    public void The_URL_parts_and_sslmode_reach_the_connection_and_the_password_comes_from_the_credential()
    {
        var credential = folder.Secret("password", "from-the-file\n");
        var settings = StateStoreChoice.Settings("postgres://wallet@db.example:6543/hsm?sslmode=verify-full", credential, null)!;
        Assert.Equal(("db.example", 6543, "hsm", "wallet", "from-the-file"), (settings.Host, settings.Port, settings.Database, settings.Username, settings.Password));
        Assert.Equal(Npgsql.SslMode.VerifyFull, settings.SslMode);
        using var store = StateStoreChoice.Open("postgres://wallet@db.example/hsm", credential, null)!;
        Assert.Equal("postgres://wallet@db.example:5432/hsm", store.Description);
    }

    [Fact]
    public void A_postgres_store_without_a_credential_is_refused_naming_the_option() =>
        Assert.Equal("--state-credential", Assert.Throws<InvalidInputException>(() => StateStoreChoice.Open("postgres://wallet@db/hsm", null, null)).Field);

    [Fact]
    public void A_credential_others_can_read_is_refused_naming_the_option()
    {
        var credential = folder.Secret("password", "pw");
        File.SetUnixFileMode(credential, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var error = Assert.Throws<InvalidInputException>(() => StateStoreChoice.Open("postgres://wallet@db/hsm", credential, null));
        Assert.Equal("--state-credential", error.Field);
    }

    [Fact]
    public void A_credential_with_files_is_refused_as_meaningless() =>
        Assert.Equal("--state-credential", Assert.Throws<InvalidInputException>(() => StateStoreChoice.Open("files", folder.Secret("password", "pw"), null)).Field);
}

/// <summary>A temporary folder with owner-only secret files, deleted at the end.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("hsmwallet-state-choice-").FullName;

    public string Secret(string name, string content)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
