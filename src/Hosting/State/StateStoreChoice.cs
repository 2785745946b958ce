using System.Text;
using HsmWallet.Core;
using HsmWallet.Core.Secrets;
using HsmWallet.Core.Secrets.Files;
using HsmWallet.Hosting.State.Postgres;
using Npgsql;

namespace HsmWallet.Hosting.State;

/// <summary>
/// Where the state lives, as both front ends read it from <c>--state</c>: <c>files</c> (the default, the home's
/// files) or <c>postgres://USER@HOST:PORT/DB[?sslmode=MODE]</c>. The password never travels in the URL (a URL holding
/// one is refused, it would sit in a process list and a unit file): it comes from <c>--state-credential PATH</c> (an
/// owner-only file holding an Npgsql connection string or just the password) or the systemd credential
/// <c>$CREDENTIALS_DIRECTORY/hsmwallet-state</c>.
/// </summary>
public static class StateStoreChoice
{
    /// <summary>The systemd credential holding the database password (LoadCredential=hsmwallet-state:...).</summary>
    public const string CredentialName = "hsmwallet-state";

    /// <summary>The option naming the store, as every refusal names it.</summary>
    public const string StateField = "--state";

    /// <summary>The option naming the credential file.</summary>
    public const string CredentialField = "--state-credential";

    private static readonly string[] ConnectionStringKeys = ["host=", "server=", "password=", "username=", "user id=", "database="];

    private static readonly string[] SslModes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"];

    /// <summary>
    /// The store <paramref name="state"/> names, or null for the home's files (no value, or <c>files</c>). Reads the
    /// credential now; opens no connection (the first use does, and refuses a schema that is not current).
    /// </summary>
    public static PostgresStateStore? Open(string? state, string? credentialPath, string? credentialsDirectory, TimeSpan? lockTimeout = null)
    {
        var settings = Settings(state, credentialPath, credentialsDirectory);
        return settings is null ? null : new PostgresStateStore(PostgresStateStore.CreateDataSource(settings.ConnectionString), lockTimeout);
    }

    /// <summary>The connection settings <paramref name="state"/> names with the password filled in, or null for files.</summary>
    internal static NpgsqlConnectionStringBuilder? Settings(string? state, string? credentialPath, string? credentialsDirectory)
    {
        if (state is null || state == "files")
        {
            if (credentialPath is not null)
            {
                throw new InvalidInputException(CredentialField, "is used with --state postgres://... only");
            }

            return null;
        }

        var url = ParseUrl(state);
        var settings = ReadCredential(credentialPath, credentialsDirectory);
        settings.Host = url.Host;
        settings.Port = url.Port;
        settings.Database = url.Database;
        settings.Username = url.User;
        if (url.SslMode is { } sslMode)
        {
            settings.SslMode = Enum.Parse<SslMode>(sslMode.Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true);
        }

        // The password stays inside the data source: nothing built from these settings is shown (Description names user, host, port, database).
        settings.PersistSecurityInfo = false;
        settings.ApplicationName ??= "hsmwallet";
        return settings;
    }

    private sealed record Url(string User, string Host, int Port, string Database, string? SslMode);

    private static Url ParseUrl(string state)
    {
        const string Shape = "must be files or postgres://USER@HOST:PORT/DB (the password in --state-credential or the systemd credential hsmwallet-state)";
        if (!state.StartsWith("postgres://", StringComparison.Ordinal) && !state.StartsWith("postgresql://", StringComparison.Ordinal))
        {
            throw new InvalidInputException(StateField, Shape);
        }

        // Checked before the URL is parsed at all, so no error (ours or the parser's) can carry the password.
        var authority = state[(state.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var at = authority.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0 && authority[..at].Contains(':', StringComparison.Ordinal))
        {
            throw new InvalidInputException(StateField, "must not hold a password: put it in --state-credential or the systemd credential hsmwallet-state");
        }

        if (!Uri.TryCreate(state, UriKind.Absolute, out var uri) || at < 0 || uri.UserInfo.Length == 0 || uri.Host.Length == 0 || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new InvalidInputException(StateField, Shape);
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0 || database.Contains('/', StringComparison.Ordinal))
        {
            throw new InvalidInputException(StateField, "must name one database: postgres://USER@HOST:PORT/DB");
        }

        string? sslMode = null;
        if (uri.Query.Length > 1)
        {
            var query = uri.Query[1..];
            if (!query.StartsWith("sslmode=", StringComparison.Ordinal) || !SslModes.Contains(query["sslmode=".Length..], StringComparer.Ordinal))
            {
                throw new InvalidInputException(StateField, "takes one query parameter only: sslmode=disable|allow|prefer|require|verify-ca|verify-full");
            }

            sslMode = query["sslmode=".Length..];
        }

        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.Host;
        return new Url(Uri.UnescapeDataString(uri.UserInfo), host, uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port, database, sslMode);
    }

    // The credential file's text: a connection string (it names Host= or Password=) or just the password.
    private static NpgsqlConnectionStringBuilder ReadCredential(string? credentialPath, string? credentialsDirectory)
    {
        var path = credentialPath;
        if (path is null && !string.IsNullOrEmpty(credentialsDirectory) && File.Exists(Path.Combine(credentialsDirectory, CredentialName)))
        {
            path = Path.Combine(credentialsDirectory, CredentialName);
        }

        if (path is null)
        {
            throw new InvalidInputException(CredentialField, "is needed with --state postgres://...: a 0600 file (or the systemd credential hsmwallet-state) holding the password or a connection string");
        }

        if (!File.Exists(path))
        {
            throw new InvalidInputException(CredentialField, "names no existing file");
        }

        string text;
        try
        {
            using var secret = ProtectedFile.ReadCredential(path);
            SecretText.StripOneTrailingNewline(secret);
            text = Encoding.UTF8.GetString(secret.ReadOnlySpan);
        }
        catch (UnsafeFilePermissionsException error)
        {
            throw new InvalidInputException(CredentialField, $"must be readable by its owner only (0600 or 0400): {error.Fix}", error);
        }

        if (text.Length == 0)
        {
            throw new InvalidInputException(CredentialField, "is empty");
        }

        if (LooksLikeConnectionString(text))
        {
            try
            {
                return new NpgsqlConnectionStringBuilder(text);
            }
            catch (ArgumentException error)
            {
                // The parser's message may quote the text, which holds the password: only the rule is shown.
                throw new InvalidInputException(CredentialField, "holds a connection string Npgsql cannot read (KEY=VALUE;...)", error);
            }
        }

        return new NpgsqlConnectionStringBuilder { Password = text };
    }

    private static bool LooksLikeConnectionString(string text)
    {
        var trimmed = text.TrimStart();
        return ConnectionStringKeys.Any(key => trimmed.StartsWith(key, StringComparison.OrdinalIgnoreCase))
            && text.Contains(';', StringComparison.Ordinal);
    }
}
